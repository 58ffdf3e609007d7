package io.pushgate.tenant.limit;

import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * The control plane's rate limits: a feature names a {@link Quota} (its limit, whose bucket, its
 * bands) and takes a token of it per request. Where the buckets live is {@code
 * pushgate.limits.backend}: {@code local}, each instance holds its own (with several instances, each
 * lets the whole limit through); {@code redis}, one bucket per quota in Redis shared by every
 * instance, with a local fallback at this instance's share while Redis does not answer. No method
 * fails or blocks; a refused take is counted in {@code pushgate_throttled_total}.
 */
public final class RateLimits {

    private final Buckets buckets;
    private final LimitBackend backend;
    private final LimitMetrics metrics;
    private final Instant started;

    RateLimits(Buckets buckets, LimitBackend backend, LimitMetrics metrics, Clock clock) {
        this.buckets = buckets;
        this.backend = backend;
        this.metrics = metrics;
        this.started = clock.instant();
    }

    /** In-process buckets on {@code clock}'s time, counted in a registry of their own: a feature's unit tests. */
    public static RateLimits local(Clock clock) {
        return new RateLimits(
                new LocalBuckets(timeOf(clock), 1),
                LimitBackend.LOCAL,
                new LimitMetrics(new SimpleMeterRegistry()),
                clock);
    }

    /** Takes one token of the quota's bucket; a refusal is counted with the backend that decided it. */
    public Mono<Admission> take(Quota quota) {
        return buckets.take(quota).doOnNext(admission -> {
            if (!admission.allowed()) {
                metrics.refused(quota, admission.backend());
            }
        });
    }

    /** Whether a token could be taken now, taking none (and counting nothing). */
    public Mono<Admission> estimate(Quota quota) {
        return buckets.estimate(quota);
    }

    /** Gives back the token a request took, when that request turns out not to count. */
    public Mono<Void> giveBack(Quota quota) {
        return buckets.giveBack(quota);
    }

    /** Makes the quota's bucket full again. */
    public Mono<Void> reset(Quota quota) {
        return buckets.reset(quota);
    }

    /** The configured backend ({@code pushgate.limits.backend}). */
    public LimitBackend backend() {
        return backend;
    }

    /** When this instance started counting: the start of {@link #refusedSinceStart}. */
    public Instant started() {
        return started;
    }

    /** The requests of {@code tenantId} that this instance refused under {@code limit} since {@link #started}. */
    public long refusedSinceStart(String limit, UUID tenantId) {
        return metrics.refusedSinceStart(limit, tenantId);
    }

    /** bucket4j's time from a {@link Clock}: nanoseconds since the epoch. */
    static TimeMeter timeOf(Clock clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }
}
