package io.pushgate.delivery.stats;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /v1/stats/series}: a point per {@code step} from {@code from} (rounded down
 * to the step, UTC) up to {@code to}, every one present (zeros where there was no traffic).
 */
record Series(String step, List<Point> points) {

    /**
     * What happened in [{@code at}, {@code at} + step).
     *
     * @param notifications notifications that ended in the point, by final status (every final status
     *     present)
     * @param latencyMs accept → provider answer of the notifications that ended in the point after a
     *     provider's answer, merged from the minutes' histograms ({@code null} when none)
     * @param registrations the active registrations at the point's end (the last count taken before it)
     *     and the registrations removed as dead in the point (the provider rejected their token)
     */
    record Point(
            Instant at,
            Callbacks callbacks,
            Map<String, Long> notifications,
            Latency latencyMs,
            Registrations registrations) {}

    /**
     * Callbacks by answer: {@code refused} is the sum of {@code refusedByReason} (every refusal reason
     * present, by its code).
     */
    record Callbacks(long accepted, long duplicate, long refused, Map<String, Long> refusedByReason) {}

    record Latency(Double p50, Double p99) {}

    record Registrations(long active, long removedAsDead) {}
}
