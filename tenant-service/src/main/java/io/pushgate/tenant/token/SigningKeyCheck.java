package io.pushgate.tenant.token;

import java.time.Duration;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Loads the signing key before the service reports ready (making the first one on a new database),
 * so a keyset that cannot open it stops the start with {@link SigningKeys.KeysetMismatchException}
 * instead of every sign-in answering 500.
 */
@Component
class SigningKeyCheck implements ApplicationRunner {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final SigningKeys keys;

    SigningKeyCheck(SigningKeys keys) {
        this.keys = keys;
    }

    @Override
    public void run(ApplicationArguments arguments) {
        keys.current().block(TIMEOUT);
    }
}
