package io.pushgate.portal.backend;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A notification as delivery-service's read API shows it; {@code attempts} only when read by its id. */
public record Notification(
        UUID id,
        UUID configurationId,
        String eventId,
        String sessionId,
        String status,
        Instant receivedAt,
        Instant completedAt,
        List<Attempt> attempts) {

    /** The {@code eventId} prefix of the portal's test events. */
    public static final String TEST_EVENT_PREFIX = "pushgate-test-";

    public Notification {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    public boolean isTest() {
        return eventId != null && eventId.startsWith(TEST_EVENT_PREFIX);
    }

    /** One send to a provider. */
    public record Attempt(String provider, String outcome, String errorCode, double latencyMs, Instant at) {}
}
