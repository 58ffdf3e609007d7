package io.pushgate.tenant.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SignInThrottleTests {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final ManualClock clock = new ManualClock();
    final SignInThrottle throttle = new SignInThrottle(new SignInSettings(3, 5, Duration.ofMinutes(15)), clock);

    @Test
    void anAccountIsRefusedAfterItsFailuresUntilTheOldestLeavesTheWindow() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.retryAfter("a@x.test", "10.0.0.1")).isZero();
            throttle.failed("a@x.test", "10.0.0.1");
            clock.now = clock.now.plusSeconds(60);
        }
        // failures at 0, 1 and 2 minutes; now is 3 minutes: the first leaves the window at 15
        assertThat(throttle.retryAfter("a@x.test", "10.0.0.2")).isEqualTo(Duration.ofMinutes(12));
        assertThat(throttle.retryAfter("b@x.test", "10.0.0.2")).isZero();
        clock.now = clock.now.plus(Duration.ofMinutes(12));
        assertThat(throttle.retryAfter("a@x.test", "10.0.0.2")).isZero();
    }

    @Test
    void anAddressIsRefusedAfterFailuresForManyAccounts() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("user" + i + "@x.test", "10.0.0.9");
        }
        assertThat(throttle.retryAfter("new@x.test", "10.0.0.9")).isEqualTo(Duration.ofMinutes(15));
        assertThat(throttle.retryAfter("new@x.test", "10.0.0.8")).isZero();
    }

    @Test
    void aSuccessClearsTheAccountButNotTheAddress() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("a@x.test", "10.0.0.1");
        }
        throttle.succeeded("a@x.test");
        assertThat(throttle.retryAfter("a@x.test", "10.0.0.7")).isZero();
        throttle.failed("b@x.test", "10.0.0.1");
        throttle.failed("b@x.test", "10.0.0.1");
        assertThat(throttle.retryAfter("c@x.test", "10.0.0.1")).isPositive();
    }
}
