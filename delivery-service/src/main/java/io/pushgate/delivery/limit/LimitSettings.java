package io.pushgate.delivery.limit;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The rate limits' backend ({@code pushgate.limits.*}).
 *
 * @param backend {@code local} (in process) or {@code redis} (shared by every instance)
 * @param redisUrl the Redis of the {@code redis} backend ({@code redis://[user:password@]host:port[/db]},
 *     {@code rediss://} for TLS)
 * @param redisTimeout the longest a callback waits for Redis's answer before its instance falls back
 *     to a local bucket
 * @param redisRetryInterval while falling back, how often one request tries Redis again
 * @param redisKeyPrefix the prefix of every key the limits write in Redis
 * @param instances the delivery-service instances expected to share a limit: while Redis does not
 *     answer, each instance's local bucket holds 1/{@code instances} of the plan (rounded up); a
 *     credential's deliveries are shaped to 1/{@code instances} of its rate on each instance
 * @param registrationSubjectShare the percentage of a tenant's registration rate (and burst) one app
 *     client or issuer subject may use (1…100)
 */
@ConfigurationProperties("pushgate.limits")
record LimitSettings(
        @DefaultValue("local") LimitBackend backend,
        @DefaultValue("redis://localhost:6379") URI redisUrl,
        @DefaultValue("50ms") Duration redisTimeout,
        @DefaultValue("1s") Duration redisRetryInterval,
        @DefaultValue("pushgate:limit:") String redisKeyPrefix,
        @DefaultValue("1") int instances,
        @DefaultValue("50") int registrationSubjectShare) {

    LimitSettings {
        if (instances < 1) {
            throw new IllegalArgumentException("pushgate.limits.instances must be at least 1, not " + instances);
        }
        if (registrationSubjectShare < 1 || registrationSubjectShare > 100) {
            throw new IllegalArgumentException(
                    "pushgate.limits.registration-subject-share must be a percentage from 1 to 100, not "
                            + registrationSubjectShare);
        }
        if (redisTimeout.isNegative() || redisTimeout.isZero()) {
            throw new IllegalArgumentException("pushgate.limits.redis-timeout must be positive");
        }
    }
}
