package io.pushgate.delivery.configuration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.api.secret.KeysetWatch;
import io.pushgate.api.secret.SecretCipher;
import io.pushgate.api.secret.SecretCipher.KeyIds;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The secrets-at-rest cipher over the keyset shared with tenant-service ({@code pushgate.keyset}),
 * and, when that is a file, its re-reading every {@code pushgate.keyset.reload-interval}: a rotated
 * keyset is taken without a restart (docs/OPERATIONS.md, "Rotating the keyset").
 */
@Configuration(proxyBeanMethods = false)
class SecretsConfig {

    private static final Logger log = LoggerFactory.getLogger(SecretsConfig.class);

    @Bean
    SecretCipher secretCipher(@Value("${pushgate.keyset}") String keyset) {
        SecretCipher cipher = SecretCipher.load(keyset);
        log.info(
                "keyset loaded{}: {}",
                cipher.file().map(file -> " from " + file).orElse(""),
                cipher.keyIds());
        return cipher;
    }

    @Bean(destroyMethod = "close")
    KeysetWatch keysetWatch(
            SecretCipher cipher,
            @Value("${pushgate.keyset.reload-interval:10s}") Duration interval,
            MeterRegistry meters) {
        Gauge.builder("pushgate_keyset_primary_key_id", cipher, c -> c.keyIds().primary())
                .description("the id of the keyset's primary key, the one that seals")
                .register(meters);
        Gauge.builder("pushgate_keyset_keys", cipher, c -> c.keyIds().keyIds().size())
                .description("the keys of the keyset in use, each of which opens")
                .register(meters);
        Counter reloaded = Counter.builder("pushgate_keyset_reloads")
                .tag("outcome", "reloaded")
                .register(meters);
        Counter refused = Counter.builder("pushgate_keyset_reloads")
                .tag("outcome", "refused")
                .register(meters);
        return KeysetWatch.start(cipher, interval, new KeysetWatch.Listener() {
            @Override
            public void reloaded(KeyIds keyIds) {
                reloaded.increment();
                log.info("keyset reloaded from {}: {}", cipher.file().orElseThrow(), keyIds);
            }

            @Override
            public void refused(String reason) {
                refused.increment();
                log.warn(
                        "keyset file {} changed but is not used ({}); the keyset in use stays: {}",
                        cipher.file().orElseThrow(),
                        reason,
                        cipher.keyIds());
            }
        });
    }
}
