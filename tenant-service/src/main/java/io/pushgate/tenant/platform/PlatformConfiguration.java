package io.pushgate.tenant.platform;

import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.api.secret.KeysetWatch;
import io.pushgate.api.secret.SecretCipher;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;

/** The beans every feature shares, and the {@link Caller} argument of every endpoint that has one. */
@Configuration(proxyBeanMethods = false)
class PlatformConfiguration implements WebFluxConfigurer {

    private static final Logger log = LoggerFactory.getLogger(PlatformConfiguration.class);

    @Override
    public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
        configurer.addCustomResolver(new CallerArgumentResolver());
    }

    /** A missing or unusable keyset stops start-up with one message naming the setting. */
    @Bean
    SecretCipher secretCipher(PlatformSettings settings) {
        if (settings.keyset() == null || settings.keyset().isBlank()) {
            throw new IllegalStateException(
                    "pushgate.keyset (PUSHGATE_KEYSET) is not set: give a Tink AES-256-GCM keyset as JSON or the path of a file holding it");
        }
        SecretCipher cipher;
        try {
            cipher = SecretCipher.load(settings.keyset());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("pushgate.keyset (PUSHGATE_KEYSET): " + e.getMessage(), e);
        }
        log.info(
                "keyset loaded{}: {}",
                cipher.file().map(file -> " from " + file).orElse(""),
                cipher.keyIds());
        return cipher;
    }

    /**
     * A keyset given as a file is read again every {@code pushgate.keyset.reload-interval} and
     * used when it changed: a rotation needs no restart (docs/OPERATIONS.md, "Rotating the keyset").
     * A changed file that is not a usable keyset is refused with a warning; the keyset in use stays.
     */
    @Bean(destroyMethod = "close")
    KeysetWatch keysetWatch(
            SecretCipher cipher,
            @Value("${pushgate.keyset.reload-interval:10s}") Duration interval,
            MeterRegistry meters) {
        return KeysetWatch.start(cipher, interval, KeysetWatch.observed(cipher, meters));
    }

    @Bean
    TransactionalOperator transactionalOperator(ReactiveTransactionManager transactionManager) {
        return TransactionalOperator.create(transactionManager);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
