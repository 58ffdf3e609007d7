package io.pushgate.delivery.configuration;

import io.pushgate.api.secret.SecretCipher;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The secrets-at-rest cipher over the keyset shared with tenant-service ({@code pushgate.keyset}). */
@Configuration(proxyBeanMethods = false)
class SecretsConfig {

    @Bean
    SecretCipher secretCipher(@Value("${pushgate.keyset}") String keyset) {
        return SecretCipher.load(keyset);
    }
}
