package io.pushgate.delivery.configuration;

import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.api.secret.KeysetWatch;
import io.pushgate.api.secret.SecretCipher;
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
        return KeysetWatch.start(cipher, interval, KeysetWatch.observed(cipher, meters));
    }
}
