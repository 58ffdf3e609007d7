package io.pushgate.testkit;

import java.net.URI;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * The Redis of this test run: {@code PUSHGATE_TEST_REDIS_URL}, else a Testcontainers Redis where a
 * Docker engine answers. Where neither exists a test that needs Redis is skipped with the reason,
 * except when {@code CI=true}: there a missing Redis fails the test, so CI cannot pass by skipping.
 */
public final class TestRedis {

    public static final String URL_VARIABLE = "PUSHGATE_TEST_REDIS_URL";

    private static volatile URI instance;

    private TestRedis() {}

    /** The Redis URL ({@code redis://host:port}); skips or fails the calling test when there is none. */
    public static URI require() {
        URI url = instance;
        if (url == null) {
            synchronized (TestRedis.class) {
                url = instance;
                if (url == null) {
                    url = instance = provision(System.getenv());
                }
            }
        }
        return url;
    }

    static URI provision(Map<String, String> environment) {
        return provision(environment, () -> DockerClientFactory.instance().isDockerAvailable(), TestRedis::container);
    }

    /** The order of {@link #require()}, with the Docker check and the container given. */
    static URI provision(Map<String, String> environment, BooleanSupplier dockerAnswers, Supplier<URI> container) {
        String configured = environment.get(URL_VARIABLE);
        if (configured != null && !configured.isBlank()) {
            return URI.create(configured.strip());
        }
        if (dockerAnswers.getAsBoolean()) {
            return container.get();
        }
        String reason =
                "no Redis for this test: set " + URL_VARIABLE + " (e.g. redis://127.0.0.1:6379) or run a Docker engine";
        if ("true".equalsIgnoreCase(environment.get("CI"))) {
            throw new IllegalStateException(reason + " (CI=true: a missing Redis fails instead of skipping)");
        }
        Assumptions.abort(reason);
        throw new AssertionError("unreachable");
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM ends
    private static URI container() {
        var redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
        redis.start();
        return URI.create("redis://" + redis.getHost() + ":" + redis.getMappedPort(6379));
    }
}
