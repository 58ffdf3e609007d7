package io.pushgate.tenant.limit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The limits as Prometheus shows them, named as delivery-service names its callback limit's: requests
 * refused, {@code pushgate_throttled_total{tenant,configuration,limit,backend}} ({@code tenant} empty
 * for the limits per address or account, {@code configuration} always empty here), e.g. {@code
 * limit="api-calls"}, {@code backend="local"} or {@code "redis"}; and requests decided by the local
 * fallback because Redis did not answer, {@code pushgate_limit_fallbacks_total{limit}}.
 */
final class LimitMetrics {

    private final MeterRegistry registry;
    private final Map<Refused, Counter> refused = new ConcurrentHashMap<>();
    private final Map<String, Counter> fallbacks = new ConcurrentHashMap<>();

    LimitMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A request of {@code quota} was refused, decided by {@code backend}. */
    void refused(Quota quota, LimitBackend backend) {
        refused.computeIfAbsent(
                        new Refused(quota.limit(), quota.tenantId(), backend),
                        key -> Counter.builder("pushgate.throttled")
                                .description(
                                        "Requests refused by a rate limit, by tenant, configuration, limit and backend")
                                .tag(
                                        "tenant",
                                        key.tenantId() == null
                                                ? ""
                                                : key.tenantId().toString())
                                .tag("configuration", "")
                                .tag("limit", key.limit())
                                .tag("backend", key.backend().text())
                                .register(registry))
                .increment();
    }

    /** This instance's refusals of {@code limit} for {@code tenantId}, by both backends, since it started. */
    long refusedSinceStart(String limit, UUID tenantId) {
        long total = 0;
        for (LimitBackend backend : LimitBackend.values()) {
            Counter counter = refused.get(new Refused(limit, tenantId, backend));
            total += counter == null ? 0 : (long) counter.count();
        }
        return total;
    }

    /** A request of {@code limit} was decided by the local fallback because Redis did not answer. */
    void fellBack(String limit) {
        fallbacks
                .computeIfAbsent(
                        limit,
                        key -> Counter.builder("pushgate.limit.fallbacks")
                                .description(
                                        "Requests decided by an instance's local share of a limit because Redis did not answer")
                                .tag("limit", key)
                                .register(registry))
                .increment();
    }

    private record Refused(String limit, UUID tenantId, LimitBackend backend) {}
}
