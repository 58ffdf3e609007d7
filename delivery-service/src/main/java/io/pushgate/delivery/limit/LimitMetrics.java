package io.pushgate.delivery.limit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The limits as Prometheus shows them: requests refused, {@code
 * pushgate_throttled_total{tenant,configuration,limit,backend}} ({@code limit} one of {@link
 * LimitKind}'s names, e.g. {@code callbacks}, {@code registrations}; {@code tenant} and {@code
 * configuration} {@code none} where the limit does not know them, as for open registration per
 * address; {@code backend="local"} for the in-process buckets, also the {@code redis} backend's
 * fallback, or {@code backend="redis"}); requests decided by the local fallback because Redis did not
 * answer, {@code pushgate_limit_fallbacks_total{limit}}; and, with the {@code redis} backend, {@code
 * pushgate_limit_falling_back} (1 while the instance decides locally, 0 while Redis answers).
 */
@Component
class LimitMetrics {

    private static final String NONE = "none";

    private final MeterRegistry registry;
    private final Map<Refused, Counter> refused = new ConcurrentHashMap<>();
    private final Map<LimitKind, Counter> fallbacks = new EnumMap<>(LimitKind.class);

    LimitMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (LimitKind kind : LimitKind.values()) {
            if (kind != LimitKind.DELIVERIES) {
                fallbacks.put(
                        kind,
                        Counter.builder("pushgate.limit.fallbacks")
                                .description(
                                        "Requests decided by an instance's local share of a limit because Redis did not answer")
                                .tag("limit", kind.text())
                                .register(registry));
            }
        }
    }

    /** A request was refused by the limit {@code kind} (of {@code tenantId} and {@code configurationId}, either may be null). */
    void refused(LimitKind kind, UUID tenantId, UUID configurationId, LimitBackend backend) {
        refused.computeIfAbsent(
                        new Refused(kind, tenantId, configurationId, backend),
                        key -> Counter.builder("pushgate.throttled")
                                .description(
                                        "Requests refused by a rate limit, by tenant, configuration, limit and backend")
                                .tag("tenant", text(key.tenantId()))
                                .tag("configuration", text(key.configurationId()))
                                .tag("limit", key.kind().text())
                                .tag("backend", key.backend().text())
                                .register(registry))
                .increment();
    }

    /** This instance's refusals under {@code kind} of {@code tenantId}'s requests, over its configurations and both backends. */
    long refusedSinceStart(LimitKind kind, UUID tenantId) {
        long total = 0;
        for (Map.Entry<Refused, Counter> entry : refused.entrySet()) {
            Refused key = entry.getKey();
            if (key.kind() == kind && tenantId.equals(key.tenantId())) {
                total += (long) entry.getValue().count();
            }
        }
        return total;
    }

    /** A request of the limit {@code kind} was decided by the local fallback because Redis did not answer. */
    void fellBack(LimitKind kind) {
        fallbacks.get(kind).increment();
    }

    /** {@code pushgate_limit_falling_back}: 1 while the instance decides locally instead of in Redis. */
    void fallingBack(Supplier<Number> state) {
        Gauge.builder("pushgate.limit.falling.back", state)
                .description("1 while this instance decides rate limits locally because Redis does not answer")
                .register(registry);
    }

    private static String text(UUID id) {
        return id == null ? NONE : id.toString();
    }

    private record Refused(LimitKind kind, UUID tenantId, UUID configurationId, LimitBackend backend) {}
}
