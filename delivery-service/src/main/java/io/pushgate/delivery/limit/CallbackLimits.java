package io.pushgate.delivery.limit;

import io.pushgate.delivery.configuration.Plans;
import io.pushgate.delivery.configuration.TenantPlan;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The callback ingress's limit per tenant, from its plan: a bucket of {@code callbackBurst} callbacks
 * refilled greedily at {@code callbacksPerSecond}, over all the tenant's configurations ({@link
 * Limits}: in process, or shared in Redis with its local fallback).
 *
 * <p>Cheap on the hot path: the plan comes from {@link Plans}' memory without a {@code Mono} when it
 * is there; a local bucket is lock-free and takes one token without blocking; Redis is asked
 * asynchronously, no thread waiting for its answer.
 */
@Component
public class CallbackLimits {

    private final Plans plans;
    private final Limits limits;

    CallbackLimits(Plans plans, Limits limits) {
        this.plans = plans;
        this.limits = limits;
    }

    /**
     * Takes one callback of {@code tenantId} (arriving on {@code configurationId}, for the metric of
     * refusals) at once, when the backend is {@code local} and the tenant's plan is in memory; {@code
     * null} otherwise, and nothing taken (then {@link #admit}).
     */
    public Admission admitNow(UUID tenantId, UUID configurationId) {
        if (limits.shared()) {
            return null;
        }
        TenantPlan plan = plans.cached(tenantId);
        return plan == null
                ? null
                : limits.takeLocal(LimitKind.CALLBACKS, tenantId, Rates.callbacks(plan), tenantId, configurationId);
    }

    /**
     * Takes one callback of {@code tenantId}, reading its plan first when it is not in memory. Fails
     * with the database's error when the plan cannot be read; never because of Redis.
     */
    public Mono<Admission> admit(UUID tenantId, UUID configurationId) {
        TenantPlan plan = plans.cached(tenantId);
        Mono<TenantPlan> known = plan != null ? Mono.just(plan) : plans.of(tenantId);
        return known.flatMap(loaded ->
                limits.take(LimitKind.CALLBACKS, tenantId, Rates.callbacks(loaded), tenantId, configurationId));
    }
}
