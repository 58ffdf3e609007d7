package io.pushgate.portal.backend;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A notification as delivery-service's read API shows it; {@code errorDetail}, {@code attempts} and
 * {@code resends} only when read by its id.
 */
public record Notification(
        UUID id,
        UUID configurationId,
        String eventId,
        String sessionId,
        String status,
        Instant receivedAt,
        Instant completedAt,
        String errorDetail,
        List<Attempt> attempts,
        List<Resend> resends) {

    /** The {@code eventId} prefix of the portal's test events. */
    public static final String TEST_EVENT_PREFIX = "pushgate-test-";

    public Notification {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
        resends = resends == null ? List.of() : List.copyOf(resends);
    }

    /** Whether an owner or admin may re-send it: it ended without the provider taking the push. */
    public boolean isResendable() {
        return "failed".equals(status)
                || "expired".equals(status)
                || "no_device".equals(status)
                || "token_invalid".equals(status);
    }

    /** Whether it is still under way (its status may change by itself). */
    public boolean isUnderWay() {
        return "accepted".equals(status) || "retrying".equals(status);
    }

    public boolean isTest() {
        return eventId != null && eventId.startsWith(TEST_EVENT_PREFIX);
    }

    /** One send to a provider. */
    public record Attempt(String provider, String outcome, String errorCode, double latencyMs, Instant at) {}

    /** A re-send an owner or admin asked for. */
    public record Resend(String requestedBy, String previousStatus, Instant at) {}
}
