package io.pushgate.delivery.readapi;

import java.time.Instant;
import java.util.UUID;

/** A notification in a listing; {@code configurationId} is the AXP configuration whose callback brought it. */
record NotificationSummary(
        UUID id,
        UUID configurationId,
        String eventId,
        String sessionId,
        String status,
        Instant receivedAt,
        Instant completedAt) {}
