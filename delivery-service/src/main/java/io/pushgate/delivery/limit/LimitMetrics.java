package io.pushgate.delivery.limit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The limits as Prometheus shows them: requests refused, {@code
 * pushgate_throttled_total{tenant,configuration,limit,backend}}, e.g. {@code limit="callbacks"},
 * {@code backend="local"} (the in-process buckets, also the {@code redis} backend's fallback) or
 * {@code backend="redis"}; and requests decided by the local fallback because Redis did not answer,
 * {@code pushgate_limit_fallbacks_total{limit}}.
 */
@Component
class LimitMetrics {

    static final String CALLBACKS = "callbacks";

    private final MeterRegistry registry;
    private final Map<Refused, Counter> callbacksRefused = new ConcurrentHashMap<>();
    private final Counter callbackFallbacks;

    LimitMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.callbackFallbacks = Counter.builder("pushgate.limit.fallbacks")
                .description("Requests decided by an instance's local share of a limit because Redis did not answer")
                .tag("limit", CALLBACKS)
                .register(registry);
    }

    /** A callback of {@code tenantId} on {@code configurationId} was refused by the tenant's callback limit. */
    void callbackRefused(UUID tenantId, UUID configurationId, LimitBackend backend) {
        callbacksRefused
                .computeIfAbsent(
                        new Refused(configurationId, backend),
                        refused -> Counter.builder("pushgate.throttled")
                                .description(
                                        "Requests refused by a rate limit, by tenant, configuration, limit and backend")
                                .tag("tenant", tenantId.toString())
                                .tag("configuration", refused.configurationId().toString())
                                .tag("limit", CALLBACKS)
                                .tag("backend", refused.backend().text())
                                .register(registry))
                .increment();
    }

    /** A callback was decided by the local fallback because Redis did not answer. */
    void callbackFellBack() {
        callbackFallbacks.increment();
    }

    private record Refused(UUID configurationId, LimitBackend backend) {}
}
