package io.pushgate.delivery.callback;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The ingress's meters, as Prometheus shows them: {@code pushgate_callbacks_total{tenant,outcome}},
 * {@code pushgate_callback_signature_failures_total{configuration}} and the histogram {@code
 * pushgate_callback_latency_seconds{outcome}}. Callbacks without a known configuration count under
 * tenant {@code none}; one whose client went away before its answer under outcome {@code
 * client_disconnected}.
 */
@Component
class CallbackMetrics {

    static final String NO_TENANT = "none";

    private final MeterRegistry registry;
    private final Map<String, Counter> callbacks = new ConcurrentHashMap<>();
    private final Map<UUID, Counter> signatureFailures = new ConcurrentHashMap<>();
    private final Map<CallbackOutcome, Timer> latencies = new ConcurrentHashMap<>();

    CallbackMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(UUID tenantId, UUID configurationId, CallbackOutcome outcome, long nanos) {
        String tenant = tenantId == null ? NO_TENANT : tenantId.toString();
        callbacks
                .computeIfAbsent(
                        tenant + '|' + outcome.tag(),
                        key -> Counter.builder("pushgate.callbacks")
                                .description("AXP callbacks by tenant and outcome")
                                .tag("tenant", tenant)
                                .tag("outcome", outcome.tag())
                                .register(registry))
                .increment();
        if (outcome == CallbackOutcome.INVALID_SIGNATURE && configurationId != null) {
            signatureFailures
                    .computeIfAbsent(
                            configurationId,
                            id -> Counter.builder("pushgate.callback.signature.failures")
                                    .description("AXP callbacks whose X-hmac did not verify, by configuration")
                                    .tag("configuration", id.toString())
                                    .register(registry))
                    .increment();
        }
        latencies
                .computeIfAbsent(
                        outcome,
                        key -> Timer.builder("pushgate.callback.latency")
                                .description("Time from a callback's arrival to its answer")
                                .tag("outcome", key.tag())
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofNanos(100_000))
                                .maximumExpectedValue(Duration.ofSeconds(10))
                                .register(registry))
                .record(Duration.ofNanos(nanos));
    }
}
