package io.pushgate.tenant.limit;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The rate limits' backend ({@code pushgate.limits.*}), the same settings as delivery-service's.
 *
 * @param backend {@code local} (in process) or {@code redis} (shared by every instance)
 * @param redisUrl the Redis of the {@code redis} backend ({@code redis://[user:password@]host:port[/db]},
 *     {@code rediss://} for TLS)
 * @param redisTimeout the longest a request waits for Redis's answer before its instance falls back
 *     to a local bucket
 * @param redisRetryInterval while falling back, how often one request tries Redis again
 * @param redisKeyPrefix the prefix of every key the limits write in Redis
 * @param instances the tenant-service instances expected to share a limit: while Redis does not
 *     answer, each instance's local bucket holds 1/{@code instances} of the limit (rounded up)
 */
@ConfigurationProperties("pushgate.limits")
record LimitSettings(
        @DefaultValue("local") LimitBackend backend,
        @DefaultValue("redis://localhost:6379") URI redisUrl,
        @DefaultValue("50ms") Duration redisTimeout,
        @DefaultValue("1s") Duration redisRetryInterval,
        @DefaultValue("pushgate:limit:") String redisKeyPrefix,
        @DefaultValue("1") int instances) {

    LimitSettings {
        if (instances < 1) {
            throw new IllegalArgumentException("pushgate.limits.instances must be at least 1, not " + instances);
        }
        if (redisTimeout.isNegative() || redisTimeout.isZero()) {
            throw new IllegalArgumentException("pushgate.limits.redis-timeout must be positive");
        }
    }
}
