package io.pushgate.delivery.notification;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A new notification's row, committed with status {@code accepted} and leased to this instance
 * under the fencing token {@code lease} until the inbox's lease runs out.
 *
 * @param fields the event's fields as stored with it, in order
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
        Map<String, String> fields,
        Instant receivedAt,
        Instant leaseEnds) {}
