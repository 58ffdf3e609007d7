package io.pushgate.delivery.limit;

/**
 * A limit's answer to one request: whether it may go on, and what the {@code RateLimit-*} and
 * {@code Retry-After} headers say.
 *
 * @param limit the requests the bucket holds when full (the plan's burst)
 * @param remaining the requests left now, after this one
 * @param nanosToWait for a refused request, how long until one more is allowed; 0 otherwise
 * @param nanosToFull how long until the bucket is full again
 */
public record Admission(boolean allowed, long limit, long remaining, long nanosToWait, long nanosToFull) {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** {@code Retry-After} of a refused request: whole seconds, rounded up, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, seconds(nanosToWait));
    }

    /** {@code RateLimit-Reset}: whole seconds until the bucket is full again, rounded up. */
    public long resetSeconds() {
        return seconds(nanosToFull);
    }

    /**
     * Of two limits that both took a request, the one the {@code RateLimit-*} headers show: the one
     * with fewer requests left (the IETF draft's "closest to its limit"); a refusal wins.
     */
    public Admission tighter(Admission other) {
        if (!allowed) {
            return this;
        }
        if (!other.allowed) {
            return other;
        }
        return other.remaining < remaining ? other : this;
    }

    private static long seconds(long nanos) {
        return nanos / NANOS_PER_SECOND + (nanos % NANOS_PER_SECOND == 0 ? 0 : 1);
    }
}
