package io.pushgate.delivery.notification;

import java.time.Instant;
import java.util.UUID;

/**
 * A new notification's row, committed with status {@code accepted} and leased to this instance
 * under the fencing token {@code lease} until the inbox's lease runs out.
 *
 * @param payload the event's fields as the JSON object stored with it
 * @param leaseEnds when the lease ends at the latest, on this instance's clock (counted from before
 *     the insert was sent)
 */
public record NotificationAccepted(
        UUID notificationId,
        UUID lease,
        UUID tenantId,
        UUID configurationId,
        String eventId,
        String sessionId,
        String payload,
        Instant receivedAt,
        Instant leaseEnds) {}
