package io.pushgate.portal.backend;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A tenant's traffic over time, as delivery-service's {@code GET /v1/stats/series} shows it: a point
 * per step, zeros where nothing happened.
 */
public record StatsSeries(String step, List<Point> points) {

    /**
     * What happened in [{@code at}, {@code at} + step): callbacks by answer, notifications that ended
     * by status, the accept → provider latency's percentiles ({@code null} without a provider's
     * answer), the active registrations at its end and those removed as dead in it.
     */
    public record Point(
            Instant at,
            Callbacks callbacks,
            Map<String, Long> notifications,
            Latency latencyMs,
            Registrations registrations) {}

    public record Callbacks(long accepted, long duplicate, long refused, Map<String, Long> refusedByReason) {}

    public record Latency(Double p50, Double p99) {}

    public record Registrations(long active, long removedAsDead) {}
}
