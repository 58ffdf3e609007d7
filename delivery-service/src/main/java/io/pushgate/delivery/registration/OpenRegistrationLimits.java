package io.pushgate.delivery.registration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.security.ApiRejected;
import java.time.Duration;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The rate limits of calls without a token (open registration), in process (bucket4j): per client
 * address, every such call; per configuration, every registration. Buckets of idle keys are dropped.
 */
@Component
class OpenRegistrationLimits {

    private final RegistrationSettings settings;
    private final Cache<String, Bucket> perIp;
    private final Cache<UUID, Bucket> perConfiguration;

    OpenRegistrationLimits(RegistrationSettings settings) {
        this.settings = settings;
        Duration idle = settings.openLimitPeriod().multipliedBy(2);
        this.perIp = Caffeine.newBuilder()
                .expireAfterAccess(idle)
                .maximumSize(100_000)
                .build();
        this.perConfiguration = Caffeine.newBuilder()
                .expireAfterAccess(idle)
                .maximumSize(100_000)
                .build();
    }

    /** Takes one call of {@code address}; throws 429 when its limit is spent. */
    void takeForAddress(String address) {
        take(
                perIp.get(address == null ? "unknown" : address, key -> bucket(settings.openPerIpLimit())),
                "this address");
    }

    /** Takes one registration of {@code configurationId}; throws 429 when its limit is spent. */
    void takeForConfiguration(UUID configurationId) {
        take(
                perConfiguration.get(configurationId, key -> bucket(settings.openPerConfigurationLimit())),
                "this configuration");
    }

    private void take(Bucket bucket, String whose) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            Duration wait = Duration.ofNanos(probe.getNanosToWaitForRefill());
            throw ApiRejected.retryLater(
                    DeliveryApiProblem.RATE_LIMITED, "too many registrations without a token from " + whose, wait);
        }
    }

    private Bucket bucket(long limit) {
        return Bucket.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limit).refillGreedy(limit, settings.openLimitPeriod()))
                .build();
    }
}
