package io.pushgate.delivery.limit;

import io.pushgate.delivery.configuration.Plans;
import io.pushgate.delivery.configuration.TenantPlan;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The callback ingress's limit per tenant, from its plan: a bucket4j bucket of {@code callbackBurst}
 * callbacks refilled greedily at {@code callbacksPerSecond}, over all the tenant's configurations.
 * Where the buckets live is {@code pushgate.limits.backend}: {@code local}, each instance holds its
 * own (with several instances, each lets the whole plan through); {@code redis}, one bucket per
 * tenant in Redis shared by every instance ({@link RedisBuckets}, with its local fallback).
 *
 * <p>Cheap on the hot path: the plan comes from {@link Plans}' memory without a {@code Mono} when it
 * is there; a local bucket is lock-free and takes one token without blocking; Redis is asked
 * asynchronously, no thread waiting for its answer.
 */
@Component
public class CallbackLimits {

    private final Plans plans;
    private final LimitMetrics metrics;
    private final LocalBuckets local = new LocalBuckets(1);
    private final RedisBuckets redis;

    CallbackLimits(Plans plans, LimitMetrics metrics, ObjectProvider<RedisBuckets> redis) {
        this.plans = plans;
        this.metrics = metrics;
        this.redis = redis.getIfAvailable();
    }

    /**
     * Takes one callback of {@code tenantId} (arriving on {@code configurationId}, for the metric of
     * refusals) at once, when the backend is {@code local} and the tenant's plan is in memory; {@code
     * null} otherwise, and nothing taken (then {@link #admit}).
     */
    public Admission admitNow(UUID tenantId, UUID configurationId) {
        if (redis != null) {
            return null;
        }
        TenantPlan plan = plans.cached(tenantId);
        return plan == null ? null : take(plan, configurationId);
    }

    /**
     * Takes one callback of {@code tenantId}, reading its plan first when it is not in memory. Fails
     * with the database's error when the plan cannot be read; never because of Redis.
     */
    public Mono<Admission> admit(UUID tenantId, UUID configurationId) {
        TenantPlan plan = plans.cached(tenantId);
        if (redis != null) {
            Mono<TenantPlan> known = plan != null ? Mono.just(plan) : plans.of(tenantId);
            return known.flatMap(loaded -> redis.take(loaded, configurationId));
        }
        if (plan != null) {
            return Mono.just(take(plan, configurationId));
        }
        return plans.of(tenantId).map(loaded -> take(loaded, configurationId));
    }

    private Admission take(TenantPlan plan, UUID configurationId) {
        Admission admission = local.take(plan);
        if (!admission.allowed()) {
            metrics.callbackRefused(plan.tenantId(), configurationId, LimitBackend.LOCAL);
        }
        return admission;
    }
}
