package io.pushgate.portal.backend;

import java.time.Duration;
import java.time.Instant;

/**
 * Which secret verified a configuration's callbacks since the last rotation, as delivery-service's
 * {@code GET /v1/configurations/{id}/secret-usage} shows it.
 *
 * @param previousValidUntil when the previous secret stops working; {@code null} without one
 * @param lastPreviousAt when the previous secret last verified a callback; {@code null} if never
 */
public record SecretUsage(long current, long previous, Instant previousValidUntil, Instant lastPreviousAt) {

    /** How long the previous secret must have verified nothing before stopping it is called safe. */
    public static final Duration QUIET = Duration.ofMinutes(15);

    public boolean hasPrevious() {
        return previousValidUntil != null;
    }

    /**
     * Whether stopping the previous secret now is safe: AXP has used the current secret since the
     * rotation, and the previous one has verified nothing for {@link #QUIET} (or ever).
     */
    public boolean safeToExpire(Instant now) {
        return hasPrevious() && current > 0 && (lastPreviousAt == null || lastPreviousAt.isBefore(now.minus(QUIET)));
    }
}
