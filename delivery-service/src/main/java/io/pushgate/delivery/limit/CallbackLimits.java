package io.pushgate.delivery.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.pushgate.api.Plan;
import io.pushgate.delivery.configuration.Plans;
import io.pushgate.delivery.configuration.TenantPlan;
import java.time.Duration;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The callback ingress's limit per tenant, from its plan: a bucket4j bucket of {@code callbackBurst}
 * callbacks refilled greedily at {@code callbacksPerSecond}, over all the tenant's configurations.
 * Backend {@value #BACKEND}: each instance holds its own buckets (with several instances, each lets
 * the whole plan through).
 *
 * <p>Cheap on the hot path: the plan comes from {@link Plans}' memory without a {@code Mono} when it
 * is there, the bucket is lock-free and takes one token without blocking. When a plan's version
 * changes the tenant's bucket takes the new configuration, keeping the tokens it has (at most the
 * new burst), as bucket4j's configuration replacement does. A bucket idle long enough to be full
 * again is dropped: made again, it is the same.
 */
@Component
public class CallbackLimits {

    /** The name of this backend in metrics. */
    static final String BACKEND = "local";

    private static final Duration MIN_IDLE = Duration.ofMinutes(1);

    private final Plans plans;
    private final LimitMetrics metrics;
    private final Cache<UUID, TenantBucket> buckets;

    CallbackLimits(Plans plans, LimitMetrics metrics) {
        this.plans = plans;
        this.metrics = metrics;
        this.buckets = Caffeine.newBuilder()
                .expireAfter(Expiry.accessing((UUID tenant, TenantBucket bucket) -> bucket.idle))
                .maximumSize(1_000_000)
                .build();
    }

    /**
     * Takes one callback of {@code tenantId} (arriving on {@code configurationId}, for the metric of
     * refusals) when the tenant's plan is in memory; {@code null} when it is not, and nothing taken
     * (then {@link #admit}).
     */
    public Admission admitNow(UUID tenantId, UUID configurationId) {
        TenantPlan plan = plans.cached(tenantId);
        return plan == null ? null : take(plan, configurationId);
    }

    /**
     * Takes one callback of {@code tenantId}, reading its plan first when it is not in memory. Fails
     * with the database's error when the plan cannot be read.
     */
    public Mono<Admission> admit(UUID tenantId, UUID configurationId) {
        TenantPlan plan = plans.cached(tenantId);
        if (plan != null) {
            return Mono.just(take(plan, configurationId));
        }
        return plans.of(tenantId).map(loaded -> take(loaded, configurationId));
    }

    private Admission take(TenantPlan plan, UUID configurationId) {
        TenantBucket tenant = bucketOf(plan);
        ConsumptionProbe probe = tenant.bucket.tryConsumeAndReturnRemaining(1);
        long remaining = probe.getRemainingTokens();
        long nanosToFull = (tenant.burst - remaining) * 1_000_000_000L / tenant.rate;
        if (probe.isConsumed()) {
            return new Admission(true, tenant.burst, remaining, 0, nanosToFull);
        }
        metrics.callbackRefused(plan.tenantId(), configurationId);
        return new Admission(false, tenant.burst, 0, probe.getNanosToWaitForRefill(), nanosToFull);
    }

    private TenantBucket bucketOf(TenantPlan plan) {
        TenantBucket current = buckets.getIfPresent(plan.tenantId());
        if (current != null && current.version == plan.version()) {
            return current;
        }
        return buckets.asMap().compute(plan.tenantId(), (tenant, existing) -> {
            if (existing != null && existing.version == plan.version()) {
                return existing;
            }
            return existing == null ? TenantBucket.of(plan) : existing.replacedBy(plan);
        });
    }

    /** A tenant's bucket and the plan version it was configured from. */
    private static final class TenantBucket {
        final Bucket bucket;
        final long version;
        final long rate;
        final long burst;
        final Duration idle;

        private TenantBucket(Bucket bucket, TenantPlan plan) {
            this.bucket = bucket;
            this.version = plan.version();
            this.rate = plan.plan().callbacksPerSecond();
            this.burst = plan.plan().callbackBurst();
            // the time an empty bucket takes to fill up: idle that long, it is full, and a new one is the same
            Duration refill = Duration.ofSeconds(burst / rate + 1);
            this.idle = refill.compareTo(MIN_IDLE) > 0 ? refill : MIN_IDLE;
        }

        static TenantBucket of(TenantPlan plan) {
            return new TenantBucket(
                    Bucket.builder().addLimit(bandwidth(plan.plan())).build(), plan);
        }

        TenantBucket replacedBy(TenantPlan plan) {
            bucket.replaceConfiguration(
                    BucketConfiguration.builder()
                            .addLimit(bandwidth(plan.plan()))
                            .build(),
                    TokensInheritanceStrategy.AS_IS);
            return new TenantBucket(bucket, plan);
        }

        private static Bandwidth bandwidth(Plan plan) {
            return Bandwidth.builder()
                    .capacity(plan.callbackBurst())
                    .refillGreedy(plan.callbacksPerSecond(), Duration.ofSeconds(1))
                    .build();
        }
    }
}
