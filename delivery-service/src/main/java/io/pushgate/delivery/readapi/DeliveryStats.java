package io.pushgate.delivery.readapi;

import java.time.Instant;
import java.util.Map;

/**
 * Delivery over a window: the answer of {@code GET /v1/stats}.
 *
 * @param counts notifications received in the window, by status (every status present, 0 included)
 * @param latencyMs from acceptance to the provider's final answer, over the notifications received
 *     in the window that got one; {@code null} percentiles when none did
 */
record DeliveryStats(Instant from, Instant to, Map<String, Long> counts, Latency latencyMs) {

    record Latency(long samples, Double p50, Double p95, Double p99) {}
}
