package io.pushgate.delivery.notification;

import java.util.UUID;

/**
 * A new notification's row is committed with status {@code accepted}: the seam where a dispatcher
 * picks it up. Published in-process after the commit; nothing is lost if no one listens, since the
 * row stays {@code accepted} in the table.
 */
public record NotificationAccepted(
        UUID notificationId, UUID tenantId, UUID configurationId, String eventId, String sessionId) {}
