package io.pushgate.tenant.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * In-process buckets, each holding 1/{@code share} of its quota (rounded up): the whole quota for
 * the {@code local} backend, an instance's share while the {@code redis} backend falls back. A
 * quota of a newer version replaces its bucket's bands, keeping the tokens it has (at most the new
 * capacity). A bucket idle long enough to be full again is dropped: made again, it is the same.
 * Every operation is decided at once, lock-free, without blocking.
 */
final class LocalBuckets implements Buckets {

    private static final Duration MIN_IDLE = Duration.ofMinutes(1);

    private final TimeMeter time;
    private final int share;
    private final Cache<String, Held> buckets;

    LocalBuckets(TimeMeter time, int share) {
        this.time = time;
        this.share = share;
        this.buckets = Caffeine.newBuilder()
                .expireAfter(Expiry.accessing((String key, Held held) -> held.idle))
                .maximumSize(1_000_000)
                .build();
    }

    @Override
    public Mono<Admission> take(Quota quota) {
        return Mono.just(takeNow(quota));
    }

    @Override
    public Mono<Admission> estimate(Quota quota) {
        return Mono.just(estimateNow(quota));
    }

    @Override
    public Mono<Void> giveBack(Quota quota) {
        return Mono.fromRunnable(() -> giveBackNow(quota));
    }

    @Override
    public Mono<Void> reset(Quota quota) {
        return Mono.fromRunnable(() -> resetNow(quota));
    }

    Admission takeNow(Quota quota) {
        Held held = held(quota);
        return admission(held.bucket.tryConsumeAndReturnRemaining(1), quota, share, LimitBackend.LOCAL);
    }

    Admission estimateNow(Quota quota) {
        Held held = held(quota);
        EstimationProbe probe = held.bucket.estimateAbilityToConsume(1);
        long remaining = probe.getRemainingTokens();
        Band first = quota.bands().get(0).shareOf(share);
        return new Admission(
                probe.canBeConsumed(),
                first.capacity(),
                remaining,
                probe.canBeConsumed() ? 0 : probe.getNanosToWaitForRefill(),
                first.nanosToFull(remaining),
                LimitBackend.LOCAL);
    }

    void giveBackNow(Quota quota) {
        held(quota).bucket.addTokens(1);
    }

    void resetNow(Quota quota) {
        buckets.invalidate(key(quota));
    }

    /** The answer to one request from a bucket of {@code quota} at {@code share}. */
    static Admission admission(ConsumptionProbe probe, Quota quota, int share, LimitBackend backend) {
        Band first = quota.bands().get(0).shareOf(share);
        long remaining = probe.getRemainingTokens();
        long nanosToFull = first.nanosToFull(remaining);
        if (probe.isConsumed()) {
            return new Admission(true, first.capacity(), remaining, 0, nanosToFull, backend);
        }
        return new Admission(false, first.capacity(), 0, probe.getNanosToWaitForRefill(), nanosToFull, backend);
    }

    private static String key(Quota quota) {
        return quota.limit() + ":" + quota.key();
    }

    private Held held(Quota quota) {
        String key = key(quota);
        Held current = buckets.getIfPresent(key);
        if (current != null && current.version == quota.version()) {
            return current;
        }
        return buckets.asMap().compute(key, (k, existing) -> {
            if (existing != null && existing.version == quota.version()) {
                return existing;
            }
            if (existing == null) {
                var builder = Bucket.builder().withCustomTimePrecision(time);
                for (Bandwidth band : quota.configuration(share).getBandwidths()) {
                    builder.addLimit(band);
                }
                return new Held(builder.build(), quota);
            }
            existing.bucket.replaceConfiguration(quota.configuration(share), TokensInheritanceStrategy.AS_IS);
            return new Held(existing.bucket, quota);
        });
    }

    /** A bucket and the version of the quota it was made from. */
    private static final class Held {
        final Bucket bucket;
        final long version;
        final Duration idle;

        Held(Bucket bucket, Quota quota) {
            this.bucket = bucket;
            this.version = quota.version();
            // the time an empty bucket takes to fill up: idle that long, it is full, and a new one is the same
            Duration full = quota.toFull().plusSeconds(1);
            this.idle = full.compareTo(MIN_IDLE) > 0 ? full : MIN_IDLE;
        }
    }
}
