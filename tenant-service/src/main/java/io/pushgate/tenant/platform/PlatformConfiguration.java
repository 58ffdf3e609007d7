package io.pushgate.tenant.platform;

import io.pushgate.api.secret.SecretCipher;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;

/** The beans every feature shares, and the {@link Caller} argument of every endpoint that has one. */
@Configuration(proxyBeanMethods = false)
class PlatformConfiguration implements WebFluxConfigurer {

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
        try {
            return SecretCipher.load(settings.keyset());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("pushgate.keyset (PUSHGATE_KEYSET): " + e.getMessage(), e);
        }
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
