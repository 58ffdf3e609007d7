package io.pushgate.tenant.limit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The limits' beans: {@link RateLimits} over the configured backend; with {@code
 * pushgate.limits.backend=redis} also the Lettuce client and the Redis buckets, closed when the
 * application stops (Spring Boot's Redis auto-configuration is not on this service's classpath).
 */
@Configuration(proxyBeanMethods = false)
class LimitsConfiguration {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    @Bean
    LimitMetrics limitMetrics(MeterRegistry registry) {
        return new LimitMetrics(registry);
    }

    @Bean
    RateLimits rateLimits(
            LimitSettings settings, LimitMetrics metrics, Clock clock, ObjectProvider<RedisBuckets> redis) {
        RedisBuckets shared = redis.getIfAvailable();
        return shared != null
                ? new RateLimits(shared, LimitBackend.REDIS, metrics, clock)
                : new RateLimits(new LocalBuckets(RateLimits.timeOf(clock), 1), LimitBackend.LOCAL, metrics, clock);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "pushgate.limits.backend", havingValue = "redis")
    static class Redis {

        @Bean(destroyMethod = "shutdown")
        RedisClient limitsRedisClient(LimitSettings settings) {
            RedisClient client = RedisClient.create();
            client.setOptions(ClientOptions.builder()
                    // a command while disconnected fails at once (the request falls back) instead of queueing
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .autoReconnect(true)
                    .socketOptions(SocketOptions.builder()
                            .connectTimeout(CONNECT_TIMEOUT)
                            .build())
                    .timeoutOptions(TimeoutOptions.enabled(settings.redisTimeout()))
                    .build());
            return client;
        }

        @Bean
        RedisBuckets redisBuckets(
                RedisClient limitsRedisClient, LimitSettings settings, Clock clock, LimitMetrics metrics) {
            return new RedisBuckets(limitsRedisClient, settings, RateLimits.timeOf(clock), metrics);
        }
    }
}
