package io.pushgate.delivery.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryPolicyTests {

    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5));

    @RepeatedTest(20)
    void waitsDoubleWithJitterBetweenHalfAndAll() {
        assertThat(policy.backoff(1, null)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(policy.backoff(2, null)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(policy.backoff(4, null)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
    }

    @Test
    void neverWaitsLongerThanTheMaximum() {
        assertThat(policy.backoff(40, null)).isBetween(Duration.ofMinutes(2).plusSeconds(30), Duration.ofMinutes(5));
    }

    @RepeatedTest(20)
    void aRetryAfterIsTheLeastWait() {
        assertThat(policy.backoff(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.backoff(10, Duration.ofSeconds(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }
}
