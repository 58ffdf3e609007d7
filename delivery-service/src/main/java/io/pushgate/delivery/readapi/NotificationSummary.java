package io.pushgate.delivery.readapi;

import java.time.Instant;
import java.util.UUID;

/** A notification in a listing. */
public record NotificationSummary(
        UUID id, String eventId, String sessionId, String status, Instant receivedAt, Instant completedAt) {}
