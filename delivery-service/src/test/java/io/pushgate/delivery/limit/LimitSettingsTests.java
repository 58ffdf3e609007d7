package io.pushgate.delivery.limit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Settings that cannot work stop start-up, naming the property. */
class LimitSettingsTests {

    private static final URI REDIS = URI.create("redis://localhost:6379");

    @Test
    void noInstancesIsRefused() {
        assertThatThrownBy(() -> new LimitSettings(
                        LimitBackend.REDIS, REDIS, Duration.ofMillis(50), Duration.ofSeconds(1), "p:", 0, 50))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pushgate.limits.instances");
    }

    @Test
    void aRedisTimeoutOfZeroIsRefused() {
        assertThatThrownBy(() ->
                        new LimitSettings(LimitBackend.REDIS, REDIS, Duration.ZERO, Duration.ofSeconds(1), "p:", 1, 50))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pushgate.limits.redis-timeout");
    }

    @Test
    void aSubjectShareOutsideAPercentageIsRefused() {
        assertThatThrownBy(() -> new LimitSettings(
                        LimitBackend.LOCAL, REDIS, Duration.ofMillis(50), Duration.ofSeconds(1), "p:", 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pushgate.limits.registration-subject-share");
    }
}
