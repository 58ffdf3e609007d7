package io.pushgate.tenant.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import io.pushgate.api.secret.SecretCipher;
import io.pushgate.tenant.ControlPlaneTest;
import io.pushgate.tenant.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Signing keys over the real table, on a clock the test moves: a key signs for the rotation
 * interval, then a new one takes over, and the retired key stays published exactly until the
 * longest token lifetime after its retirement. The clock starts a day ahead, so the service's own
 * keys (retired "in the future") keep serving the other tests.
 */
@ControlPlaneTest
class SigningKeyRotationIntegrationTests {

    @Autowired
    DatabaseClient db;

    @Autowired
    SecretCipher cipher;

    @Autowired
    TransactionalOperator tx;

    @Test
    void aRetiredKeyStaysPublishedUntilItsLastTokenHasExpired() {
        ManualClock clock = new ManualClock(Instant.now().plus(Duration.ofDays(1)));
        TokenSettings settings = new TokenSettings(
                "pushgate",
                Duration.ofMinutes(15),
                Duration.ofMinutes(10),
                Duration.ofHours(1),
                Duration.ofMinutes(30),
                Duration.ofHours(12),
                Duration.ofHours(1));
        SigningKeys keys = new SigningKeys(db, cipher, settings, tx, clock);

        String first = keys.current().block().signing().getKeyID();
        clock.now = clock.now.plus(Duration.ofMinutes(59));
        assertThat(keys.current().block().signing().getKeyID()).isEqualTo(first);

        clock.now = clock.now.plus(Duration.ofMinutes(1)); // the rotation interval has passed
        String second = keys.current().block().signing().getKeyID();
        assertThat(second).isNotEqualTo(first);
        assertThat(kids(keys)).contains(first, second);

        clock.now = clock.now.plus(Duration.ofMinutes(14)); // a token of the first key may still be valid
        assertThat(kids(keys)).contains(first, second);
        assertThat(keys.verificationKey(first).collectList().block()).hasSize(1);

        clock.now = clock.now.plus(Duration.ofMinutes(2)); // 16 minutes: every token of the first key expired
        assertThat(kids(keys)).contains(second).doesNotContain(first);
        assertThat(keys.verificationKey(first).collectList().block()).isEmpty();
        assertThat(keys.published().block().stream().noneMatch(JWK::isPrivate)).isTrue();
    }

    private static List<String> kids(SigningKeys keys) {
        return keys.published().block().stream().map(JWK::getKeyID).toList();
    }
}
