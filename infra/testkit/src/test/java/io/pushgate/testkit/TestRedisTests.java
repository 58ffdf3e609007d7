package io.pushgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class TestRedisTests {

    private static final URI CONTAINER = URI.create("redis://container:6379");

    @Test
    void takesTheConfiguredRedisFirstThenTestcontainers() {
        assertThat(TestRedis.provision(
                        Map.of(TestRedis.URL_VARIABLE, " redis://127.0.0.1:6379 "), () -> true, () -> CONTAINER))
                .isEqualTo(URI.create("redis://127.0.0.1:6379"));
        assertThat(TestRedis.provision(Map.of(), () -> true, () -> CONTAINER)).isEqualTo(CONTAINER);
    }

    @Test
    void withoutEitherTheTestIsSkippedWithTheReason() {
        assertThatThrownBy(() -> TestRedis.provision(Map.of(), () -> false, () -> CONTAINER))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining(TestRedis.URL_VARIABLE);
    }

    @Test
    void withoutEitherOnCiTheTestFailsInsteadOfSkipping() {
        assertThatThrownBy(() -> TestRedis.provision(Map.of("CI", "true"), () -> false, () -> CONTAINER))
                .isInstanceOf(IllegalStateException.class)
                .isNotInstanceOf(TestAbortedException.class)
                .hasMessageContaining(TestRedis.URL_VARIABLE)
                .hasMessageContaining("CI=true");
    }
}
