package io.pushgate.tenant.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.tenant.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignInThrottleTests {

    final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    final SignInThrottle throttle = new SignInThrottle(new SignInSettings(3, 5, Duration.ofMinutes(15)), clock);

    @Test
    void anAccountIsRefusedAfterItsFailuresUntilTheOldestLeavesTheWindow() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.attempt("a@x.test", "10.0.0.1")).isZero();
            clock.now = clock.now.plusSeconds(60);
        }
        // failures at 0, 1 and 2 minutes; now is 3 minutes: the first leaves the window at 15
        assertThat(throttle.attempt("a@x.test", "10.0.0.2")).isEqualTo(Duration.ofMinutes(12));
        assertThat(throttle.attempt("b@x.test", "10.0.0.2")).isZero();
        clock.now = clock.now.plus(Duration.ofMinutes(12));
        assertThat(throttle.attempt("a@x.test", "10.0.0.2")).isZero();
    }

    @Test
    void anAddressIsRefusedAfterFailuresForManyAccounts() {
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.attempt("user" + i + "@x.test", "10.0.0.9")).isZero();
        }
        assertThat(throttle.attempt("new@x.test", "10.0.0.9")).isEqualTo(Duration.ofMinutes(15));
        assertThat(throttle.attempt("new@x.test", "10.0.0.8")).isZero();
    }

    @Test
    void aSuccessClearsTheAccountButNotTheAddress() {
        for (int i = 0; i < 3; i++) {
            throttle.attempt("a@x.test", "10.0.0.1");
        }
        assertThat(throttle.attempt("a@x.test", "10.0.0.7")).isPositive();
        clock.now = clock.now.plus(Duration.ofMinutes(15));
        throttle.attempt("a@x.test", "10.0.0.1");
        throttle.attempt("a@x.test", "10.0.0.1");
        throttle.attempt("a@x.test", "10.0.0.1");
        throttle.succeeded("a@x.test", "10.0.0.1");
        assertThat(throttle.attempt("a@x.test", "10.0.0.7")).isZero();
        // the address keeps its two failures (the success was not one): three more reach its limit of 5
        throttle.attempt("b@x.test", "10.0.0.1");
        throttle.attempt("b@x.test", "10.0.0.1");
        assertThat(throttle.attempt("c@x.test", "10.0.0.1")).isZero();
        assertThat(throttle.attempt("d@x.test", "10.0.0.1")).isPositive();
    }

    @Test
    void attemptsInFlightCountBeforeTheirPasswordsAreChecked() {
        // guesses sent all at once: none has failed yet when the next arrives
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.attempt("a@x.test", "10.0.0." + i)).isZero();
        }
        assertThat(throttle.attempt("a@x.test", "10.0.0.99")).isPositive();
    }

    @Test
    void anAttemptRefusedForItsAddressDoesNotCountForItsAccount() {
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.attempt("user" + i + "@x.test", "10.0.0.9")).isZero();
        }
        for (int i = 0; i < 4; i++) {
            assertThat(throttle.attempt("a@x.test", "10.0.0.9")).isPositive();
        }
        // the account's 3 failures are all still there to be made from another address
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.attempt("a@x.test", "10.0.0.1")).isZero();
        }
        assertThat(throttle.attempt("a@x.test", "10.0.0.2")).isPositive();
    }

    @Test
    void aBurstAtTheEndOfAWindowIsNotFollowedByAnotherAtOnce() {
        assertThat(throttle.attempt("a@x.test", "10.0.0.1")).isZero();
        clock.now = clock.now.plus(Duration.ofMinutes(14));
        assertThat(throttle.attempt("a@x.test", "10.0.0.1")).isZero();
        assertThat(throttle.attempt("a@x.test", "10.0.0.1")).isZero();
        // the account's window ends at 15 minutes: one more then, not a whole new burst
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        assertThat(throttle.attempt("a@x.test", "10.0.0.1")).isZero();
        assertThat(throttle.attempt("a@x.test", "10.0.0.1")).isPositive();
    }
}
