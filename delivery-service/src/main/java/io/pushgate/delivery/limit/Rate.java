package io.pushgate.delivery.limit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;

/**
 * A bucket's configuration: {@code burst} requests when full, refilled greedily at {@code tokens} per
 * {@code period}; {@code version} changes when the configuration does (a plan's version), so a stored
 * bucket takes the new one, keeping its tokens.
 */
record Rate(long tokens, Duration period, long burst, long version) {

    private static final Duration SECOND = Duration.ofSeconds(1);

    Rate {
        if (tokens < 1 || burst < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a rate needs tokens, a burst and a period: " + tokens + "/" + period);
        }
    }

    static Rate perSecond(long tokens, long burst, long version) {
        return new Rate(tokens, SECOND, burst, version);
    }

    /** 1/{@code share} of this rate and burst, rounded up and never empty: an instance's or a subject's part. */
    Rate share(int share) {
        return share == 1 ? this : new Rate(shareOf(tokens, share), period, shareOf(burst, share), version);
    }

    /** {@code percent}% of this rate and burst, rounded up and never empty. */
    Rate percent(int percent) {
        return percent == 100
                ? this
                : new Rate(
                        Math.max(1, (tokens * percent + 99) / 100),
                        period,
                        Math.max(1, (burst * percent + 99) / 100),
                        version);
    }

    BucketConfiguration configuration() {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(burst)
                        .refillGreedy(tokens, period)
                        .build())
                .build();
    }

    /** How long an empty bucket takes to be full again. */
    Duration timeToFill() {
        return Duration.ofNanos(nanosFor(burst));
    }

    /** How long the refill takes to bring {@code missing} tokens. */
    long nanosFor(long missing) {
        return (long) ((double) missing * period.toNanos() / tokens);
    }

    private static long shareOf(long amount, int share) {
        return Math.max(1, (amount + share - 1) / share);
    }
}
