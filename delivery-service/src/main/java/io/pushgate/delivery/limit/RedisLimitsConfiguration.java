package io.pushgate.delivery.limit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code redis} backend's Lettuce client and buckets, made only with {@code
 * pushgate.limits.backend=redis}; closed when the application stops (Spring Boot's Redis
 * auto-configuration is not on this service's classpath).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "pushgate.limits.backend", havingValue = "redis")
class RedisLimitsConfiguration {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    @Bean(destroyMethod = "shutdown")
    RedisClient limitsRedisClient(LimitSettings settings) {
        RedisClient client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                // a command while disconnected fails at once (the callback falls back) instead of queueing
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(true)
                .socketOptions(
                        SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
                .timeoutOptions(TimeoutOptions.enabled(settings.redisTimeout()))
                .build());
        return client;
    }

    @Bean
    RedisBuckets redisBuckets(RedisClient limitsRedisClient, LimitSettings settings, LimitMetrics metrics) {
        return new RedisBuckets(limitsRedisClient, settings, metrics);
    }
}
