package io.pushgate.delivery.notification;

import java.util.List;

/**
 * The new notifications of one inbox transaction, published in-process after its commit: the seam
 * where this instance's dispatcher picks them up. Nothing is lost if no one listens: the rows stay
 * {@code accepted}, and any instance's sweeper takes them once their lease has run out.
 */
public record NotificationsAccepted(List<NotificationAccepted> notifications) {

    public NotificationsAccepted {
        notifications = List.copyOf(notifications);
    }
}
