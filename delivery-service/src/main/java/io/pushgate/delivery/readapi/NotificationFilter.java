package io.pushgate.delivery.readapi;

import io.pushgate.delivery.notification.NotificationStatus;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Which notifications a listing shows; every part optional ({@code null} or empty: no restriction).
 *
 * @param statuses texts of {@link NotificationStatus}
 * @param receivedFrom received at or after
 * @param receivedBefore received before
 * @param sessionId of this session only
 * @param configurationId of this AXP configuration only
 * @param eventId with this {@code eventId} only (at most one per tenant)
 */
record NotificationFilter(
        Set<String> statuses,
        Instant receivedFrom,
        Instant receivedBefore,
        String sessionId,
        UUID configurationId,
        String eventId) {

    public NotificationFilter {
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        for (String status : statuses) {
            if (NotificationStatus.of(status).isEmpty()) {
                throw new IllegalArgumentException("status must be one of "
                        + Arrays.stream(NotificationStatus.values())
                                .map(NotificationStatus::text)
                                .collect(Collectors.joining(", ")));
            }
        }
    }

    /** Without a configuration or event restriction. */
    public NotificationFilter(Set<String> statuses, Instant receivedFrom, Instant receivedBefore, String sessionId) {
        this(statuses, receivedFrom, receivedBefore, sessionId, null, null);
    }

    public static NotificationFilter none() {
        return new NotificationFilter(Set.of(), null, null, null);
    }
}
