package io.pushgate.tenant.limit;

import java.time.Duration;
import org.springframework.http.HttpHeaders;

/**
 * A bucket's answer to one request: whether it may go on, and what the {@code RateLimit-*} and
 * {@code Retry-After} headers say.
 *
 * @param allowed whether the request took its token (for an estimate: whether it could)
 * @param limit the bucket's capacity (its first band's, at this instance's share when decided by
 *     the {@code redis} backend's local fallback)
 * @param remaining the tokens left now, after this request
 * @param nanosToWait for a refused request, how long until one more is allowed; 0 otherwise
 * @param nanosToFull how long until the bucket is full again
 * @param backend who decided: {@code redis} (the bucket every instance shares) or {@code local}
 *     (this instance's own bucket)
 */
public record Admission(
        boolean allowed, long limit, long remaining, long nanosToWait, long nanosToFull, LimitBackend backend) {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** How long to wait before the next request can be allowed; zero when this one was. */
    public Duration waitTime() {
        return allowed ? Duration.ZERO : Duration.ofNanos(Math.max(1, nanosToWait));
    }

    /** {@code Retry-After} of a refused request: whole seconds, rounded up, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, seconds(nanosToWait));
    }

    /** {@code RateLimit-Reset}: whole seconds until the bucket is full again, rounded up. */
    public long resetSeconds() {
        return seconds(nanosToFull);
    }

    /** {@code RateLimit-Limit}, {@code RateLimit-Remaining}, {@code RateLimit-Reset}; {@code Retry-After} when refused. */
    public void writeTo(HttpHeaders headers) {
        headers.set("RateLimit-Limit", Long.toString(limit));
        headers.set("RateLimit-Remaining", Long.toString(remaining));
        headers.set("RateLimit-Reset", Long.toString(resetSeconds()));
        if (!allowed) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds()));
        }
    }

    static long seconds(long nanos) {
        return nanos / NANOS_PER_SECOND + (nanos % NANOS_PER_SECOND == 0 ? 0 : 1);
    }
}
