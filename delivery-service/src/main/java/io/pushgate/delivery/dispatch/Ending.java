package io.pushgate.delivery.dispatch;

import io.pushgate.delivery.dispatch.Deliveries.Attempt;
import io.pushgate.delivery.notification.NotificationStatus;

/**
 * How a notification ends: its final status, the attempt that ended it (recorded with it; none when
 * no send was tried), the short reason named in the log, and the {@code error_detail} the tenant
 * reads. The row's {@code error_code} is the attempt's.
 */
record Ending(NotificationStatus status, Attempt attempt, String reason, String detail) {

    /** The provider took the push. */
    static Ending delivered(Attempt attempt) {
        return new Ending(NotificationStatus.DELIVERED, attempt, null, null);
    }

    /** The session has no usable registration. */
    static Ending noDevice() {
        return new Ending(NotificationStatus.NO_DEVICE, null, null, null);
    }

    /** The provider rejected the device token (its registration is invalidated). */
    static Ending tokenInvalid(Attempt attempt, String detail) {
        return new Ending(NotificationStatus.TOKEN_INVALID, attempt, attempt.errorCode(), detail);
    }

    /** No send can succeed until the tenant acts: {@code attempt} says why (sent or not). */
    static Ending failed(Attempt attempt, String detail) {
        return new Ending(NotificationStatus.FAILED, attempt, attempt.errorCode(), detail);
    }

    /** The configuration was deleted after the event was accepted. */
    static Ending configurationDeleted() {
        return new Ending(
                NotificationStatus.FAILED, null, "configuration_deleted", "the configuration no longer exists");
    }

    /** The delivery window closed before a send was tried. */
    static Ending windowClosed(String detail) {
        return new Ending(NotificationStatus.EXPIRED, null, "delivery_window_closed", detail);
    }

    /** The delivery window closes before the retry after {@code last} could be made. */
    static Ending windowClosedRetrying(Attempt last, String detail) {
        return new Ending(NotificationStatus.EXPIRED, last, last.errorCode(), detail);
    }
}
