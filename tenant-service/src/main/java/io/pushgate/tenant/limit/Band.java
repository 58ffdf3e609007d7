package io.pushgate.tenant.limit;

import io.github.bucket4j.Bandwidth;
import java.time.Duration;

/**
 * One limit a bucket keeps: at most {@code capacity} at once, refilled with {@code tokens} each
 * {@code period}, either a little at a time (greedy) or all at once when the period ends (intervally,
 * the periods counted from the bucket's first use).
 */
public record Band(long capacity, long tokens, Duration period, boolean intervally) {

    public Band {
        if (capacity < 1 || tokens < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a band needs a positive capacity, refill and period");
        }
    }

    /** {@code capacity} at once, refilled evenly at {@code tokens} per {@code period}. */
    public static Band greedy(long capacity, long tokens, Duration period) {
        return new Band(capacity, tokens, period, false);
    }

    /** {@code capacity} per {@code period}, refilled in full when each period ends. */
    public static Band intervally(long capacity, Duration period) {
        return new Band(capacity, capacity, period, true);
    }

    /** This band for one of {@code share} instances: capacity and refill divided, rounded up. */
    Band shareOf(int share) {
        return share == 1 ? this : new Band(divide(capacity, share), divide(tokens, share), period, intervally);
    }

    Bandwidth bandwidth() {
        var builder = Bandwidth.builder().capacity(capacity);
        return (intervally ? builder.refillIntervally(tokens, period) : builder.refillGreedy(tokens, period)).build();
    }

    /** How long an empty bucket of this band takes to be full again. */
    Duration toFull() {
        long periods = (capacity + tokens - 1) / tokens;
        return period.multipliedBy(periods);
    }

    /** Nanoseconds until a bucket with {@code remaining} tokens is full again (greedy refill). */
    long nanosToFull(long remaining) {
        double missing = Math.max(0, capacity - remaining);
        return (long) Math.ceil(missing * period.toNanos() / tokens);
    }

    private static long divide(long amount, int share) {
        return Math.max(1, (amount + share - 1) / share);
    }
}
