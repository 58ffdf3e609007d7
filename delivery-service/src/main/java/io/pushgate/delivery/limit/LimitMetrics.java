package io.pushgate.delivery.limit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Requests refused by a limit, as Prometheus shows them: {@code
 * pushgate_throttled_total{tenant,configuration,limit,backend}}, e.g. {@code limit="callbacks"},
 * {@code backend="local"}.
 */
@Component
class LimitMetrics {

    static final String CALLBACKS = "callbacks";

    private final MeterRegistry registry;
    private final Map<UUID, Counter> callbacksRefused = new ConcurrentHashMap<>();

    LimitMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A callback of {@code tenantId} on {@code configurationId} was refused by the tenant's callback limit. */
    void callbackRefused(UUID tenantId, UUID configurationId) {
        callbacksRefused
                .computeIfAbsent(
                        configurationId,
                        id -> Counter.builder("pushgate.throttled")
                                .description(
                                        "Requests refused by a rate limit, by tenant, configuration, limit and backend")
                                .tag("tenant", tenantId.toString())
                                .tag("configuration", id.toString())
                                .tag("limit", CALLBACKS)
                                .tag("backend", CallbackLimits.BACKEND)
                                .register(registry))
                .increment();
    }
}
