package io.pushgate.delivery.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.pushgate.delivery.configuration.TenantPlan;
import java.time.Duration;

/**
 * In-process buckets, one per limit and key, each holding 1/{@code share} of its rate (rounded up):
 * the whole rate for the {@code local} backend, an instance's share while the {@code redis} backend
 * falls back. When a rate's version changes (a plan change) the bucket takes the new configuration,
 * keeping the tokens it has (at most the new burst), as bucket4j's configuration replacement does. A
 * bucket idle long enough to be full again is dropped: made again, it is the same. Lock-free: a
 * take never blocks.
 */
final class LocalBuckets {

    private static final Duration MIN_IDLE = Duration.ofMinutes(1);

    private final int share;
    private final Cache<Key, Held> buckets;

    LocalBuckets(int share) {
        this.share = share;
        this.buckets = Caffeine.newBuilder()
                .expireAfter(Expiry.accessing((Key key, Held held) -> held.idle))
                .maximumSize(1_000_000)
                .build();
    }

    /** Takes one callback from the tenant's callback bucket. */
    Admission take(TenantPlan plan) {
        return take(LimitKind.CALLBACKS, plan.tenantId(), Rates.callbacks(plan));
    }

    /** Takes one request from the bucket of {@code kind} and {@code id}. */
    Admission take(LimitKind kind, Object id, Rate rate) {
        Held held = bucketOf(kind, id, rate);
        return admission(held.bucket.tryConsumeAndReturnRemaining(1), held.rate);
    }

    /** Takes one token if there is one, without building an answer: the delivery path's fast check. */
    boolean tryTake(LimitKind kind, Object id, Rate rate) {
        return bucketOf(kind, id, rate).bucket.tryConsume(1);
    }

    /** What one request would get now, taking nothing: the bucket's state, for a tenant's usage. */
    Admission estimate(LimitKind kind, Object id, Rate rate) {
        Held held = bucketOf(kind, id, rate);
        return estimation(held.bucket.estimateAbilityToConsume(1), held.rate);
    }

    /** A bucket of {@code rate} as an estimate found it. */
    static Admission estimation(EstimationProbe probe, Rate rate) {
        long remaining = Math.max(0, probe.getRemainingTokens());
        return new Admission(
                probe.canBeConsumed(),
                rate.burst(),
                remaining,
                probe.canBeConsumed() ? 0 : probe.getNanosToWaitForRefill(),
                rate.nanosFor(rate.burst() - remaining));
    }

    /** The answer to one request from a bucket of {@code rate}. */
    static Admission admission(ConsumptionProbe probe, Rate rate) {
        long remaining = probe.getRemainingTokens();
        long nanosToFull = rate.nanosFor(rate.burst() - remaining);
        if (probe.isConsumed()) {
            return new Admission(true, rate.burst(), remaining, 0, nanosToFull);
        }
        return new Admission(false, rate.burst(), 0, probe.getNanosToWaitForRefill(), nanosToFull);
    }

    private Held bucketOf(LimitKind kind, Object id, Rate whole) {
        Key key = new Key(kind, id);
        Held current = buckets.getIfPresent(key);
        if (current != null && current.version == whole.version()) {
            return current;
        }
        Rate rate = whole.share(share);
        return buckets.asMap().compute(key, (k, existing) -> {
            if (existing != null && existing.version == rate.version()) {
                return existing;
            }
            if (existing == null) {
                return new Held(
                        Bucket.builder()
                                .addLimit(rate.configuration().getBandwidths()[0])
                                .build(),
                        rate);
            }
            existing.bucket.replaceConfiguration(rate.configuration(), TokensInheritanceStrategy.AS_IS);
            return new Held(existing.bucket, rate);
        });
    }

    private record Key(LimitKind kind, Object id) {}

    /** A bucket and the rate (with its version) it was configured from. */
    private static final class Held {
        final Bucket bucket;
        final Rate rate;
        final long version;
        final Duration idle;

        Held(Bucket bucket, Rate rate) {
            this.bucket = bucket;
            this.rate = rate;
            this.version = rate.version();
            // idle as long as an empty bucket takes to fill up, it is full, and a new one is the same
            Duration refill = rate.timeToFill().plusSeconds(1);
            this.idle = refill.compareTo(MIN_IDLE) > 0 ? refill : MIN_IDLE;
        }
    }
}
