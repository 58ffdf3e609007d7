package io.pushgate.delivery.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryPolicyTests {

    private static final int DRAWS = 2_000;

    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5));

    /** Each wait lies between half of and all of its doubling step. */
    @Test
    void waitsDoubleWithJitterBetweenHalfAndAll() {
        for (int i = 0; i < DRAWS; i++) {
            assertThat(policy.backoff(1, null)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
            assertThat(policy.backoff(2, null)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(policy.backoff(4, null)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
        }
    }

    /** Retries of many notifications spread over the whole range instead of coming back together. */
    @Test
    void theJitterSpreadsWaitsOverTheirRange() {
        List<Duration> waits =
                IntStream.range(0, DRAWS).mapToObj(i -> policy.backoff(1, null)).toList();

        Set<Duration> distinct = new HashSet<>(waits);
        // 501 whole milliseconds are possible
        assertThat(distinct).as("distinct waits of %d draws", DRAWS).hasSizeGreaterThan(300);
        // each tenth of the range [500 ms, 1 s] gets its share: none empty
        int[] tenths = new int[10];
        waits.forEach(wait -> tenths[(int) Math.min(9, (wait.toMillis() - 500) / 50)]++);
        assertThat(IntStream.of(tenths).min().orElseThrow()).isGreaterThan(DRAWS / 40);
    }

    @Test
    void neverWaitsLongerThanTheMaximum() {
        for (int i = 0; i < DRAWS; i++) {
            assertThat(policy.backoff(40, null))
                    .isBetween(Duration.ofMinutes(2).plusSeconds(30), Duration.ofMinutes(5));
        }
    }

    /**
     * A provider's Retry-After is the least wait: on the first failure, whose own wait is 0.5 to 1 s, a
     * Retry-After of 0.9 s is never undercut and is exactly the wait whenever the jitter drew less.
     */
    @Test
    void aRetryAfterIsTheLeastWait() {
        Duration retryAfter = Duration.ofMillis(900);
        List<Duration> waits = IntStream.range(0, DRAWS)
                .mapToObj(i -> policy.backoff(1, retryAfter))
                .toList();

        assertThat(waits).allSatisfy(wait -> assertThat(wait).isBetween(retryAfter, Duration.ofSeconds(1)));
        assertThat(waits).filteredOn(retryAfter::equals).hasSizeGreaterThan(DRAWS / 2);
        assertThat(policy.backoff(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
    }
}
