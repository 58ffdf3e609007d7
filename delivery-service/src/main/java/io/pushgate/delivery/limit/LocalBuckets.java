package io.pushgate.delivery.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.pushgate.delivery.configuration.TenantPlan;
import java.time.Duration;
import java.util.UUID;

/**
 * In-process callback buckets, one per tenant, each holding 1/{@code share} of the tenant's plan
 * (rounded up): the whole plan for the {@code local} backend, an instance's share while the {@code
 * redis} backend falls back. When a plan's version changes the tenant's bucket takes the new
 * configuration, keeping the tokens it has (at most the new burst), as bucket4j's configuration
 * replacement does. A bucket idle long enough to be full again is dropped: made again, it is the same.
 */
final class LocalBuckets {

    private static final Duration MIN_IDLE = Duration.ofMinutes(1);

    private final int share;
    private final Cache<UUID, TenantBucket> buckets;

    LocalBuckets(int share) {
        this.share = share;
        this.buckets = Caffeine.newBuilder()
                .expireAfter(Expiry.accessing((UUID tenant, TenantBucket bucket) -> bucket.idle))
                .maximumSize(1_000_000)
                .build();
    }

    /** Takes one callback from the tenant's bucket; lock-free, never blocks. */
    Admission take(TenantPlan plan) {
        TenantBucket tenant = bucketOf(plan);
        return admission(tenant.bucket.tryConsumeAndReturnRemaining(1), tenant.burst, tenant.rate);
    }

    /** The answer to one callback from a bucket of {@code burst} refilled at {@code rate} per second. */
    static Admission admission(ConsumptionProbe probe, long burst, long rate) {
        long remaining = probe.getRemainingTokens();
        long nanosToFull = (burst - remaining) * 1_000_000_000L / rate;
        if (probe.isConsumed()) {
            return new Admission(true, burst, remaining, 0, nanosToFull);
        }
        return new Admission(false, burst, 0, probe.getNanosToWaitForRefill(), nanosToFull);
    }

    /** The callback bucket of a plan: {@code callbackBurst}, refilled greedily at {@code callbacksPerSecond}. */
    static BucketConfiguration configuration(long rate, long burst) {
        return BucketConfiguration.builder().addLimit(bandwidth(rate, burst)).build();
    }

    private static Bandwidth bandwidth(long rate, long burst) {
        return Bandwidth.builder()
                .capacity(burst)
                .refillGreedy(rate, Duration.ofSeconds(1))
                .build();
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
            return existing == null ? TenantBucket.of(plan, share) : existing.replacedBy(plan, share);
        });
    }

    private static long shareOf(long amount, int share) {
        return Math.max(1, (amount + share - 1) / share);
    }

    /** A tenant's bucket and the plan version it was configured from. */
    private static final class TenantBucket {
        final Bucket bucket;
        final long version;
        final long rate;
        final long burst;
        final Duration idle;

        private TenantBucket(Bucket bucket, TenantPlan plan, long rate, long burst) {
            this.bucket = bucket;
            this.version = plan.version();
            this.rate = rate;
            this.burst = burst;
            // the time an empty bucket takes to fill up: idle that long, it is full, and a new one is the same
            Duration refill = Duration.ofSeconds(burst / rate + 1);
            this.idle = refill.compareTo(MIN_IDLE) > 0 ? refill : MIN_IDLE;
        }

        static TenantBucket of(TenantPlan plan, int share) {
            long rate = shareOf(plan.plan().callbacksPerSecond(), share);
            long burst = shareOf(plan.plan().callbackBurst(), share);
            return new TenantBucket(
                    Bucket.builder().addLimit(bandwidth(rate, burst)).build(), plan, rate, burst);
        }

        TenantBucket replacedBy(TenantPlan plan, int share) {
            long rate = shareOf(plan.plan().callbacksPerSecond(), share);
            long burst = shareOf(plan.plan().callbackBurst(), share);
            bucket.replaceConfiguration(configuration(rate, burst), TokensInheritanceStrategy.AS_IS);
            return new TenantBucket(bucket, plan, rate, burst);
        }
    }
}
