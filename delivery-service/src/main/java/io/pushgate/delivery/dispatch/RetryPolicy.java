package io.pushgate.delivery.dispatch;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try again after a transient failure: exponential back-off with "equal jitter" (half
 * fixed, half random, so that retries of many notifications spread out), never sooner than the
 * provider's {@code Retry-After}.
 */
final class RetryPolicy {

    private final Duration initial;
    private final Duration max;

    RetryPolicy(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /** The wait after the {@code failures}-th failed attempt (1 for the first). */
    Duration backoff(int failures, Duration retryAfter) {
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        long exponential = Math.min(max.toMillis(), initial.toMillis() << doublings);
        long half = exponential / 2;
        long jittered = half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0);
        Duration wait = Duration.ofMillis(Math.max(jittered, 1));
        return retryAfter != null && retryAfter.compareTo(wait) > 0 ? retryAfter : wait;
    }
}
