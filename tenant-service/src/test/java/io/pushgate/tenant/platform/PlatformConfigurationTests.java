package io.pushgate.tenant.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushgate.api.secret.SecretCipher;
import io.pushgate.testkit.TestKeyset;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * Without a usable keyset the secrets bean cannot be made, so start-up stops with one message that
 * names the setting. (Starting a whole failing application in the test JVM would dispose Reactor
 * Netty's global resources under the other tests' shared context, so the bean is checked directly.)
 */
class PlatformConfigurationTests {

    final PlatformConfiguration configuration = new PlatformConfiguration();

    @Test
    void aMissingKeysetIsNamed() {
        assertThatThrownBy(() -> configuration.secretCipher(settings(null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("pushgate.keyset (PUSHGATE_KEYSET) is not set");
        assertThatThrownBy(() -> configuration.secretCipher(settings("  "))).hasMessageContaining("is not set");
    }

    @Test
    void anUnusableKeysetIsNamedWithoutItsContent() {
        assertThatThrownBy(() -> configuration.secretCipher(settings("/no/such/keyset.json")))
                .hasMessageStartingWith("pushgate.keyset (PUSHGATE_KEYSET): ")
                .hasMessageContaining("neither Tink JSON nor a readable file");
        assertThatThrownBy(() -> configuration.secretCipher(settings("{\"secret\": \"s3cr3t-value\"}")))
                .hasMessageContaining("not a usable Tink AEAD keyset")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-value"));
    }

    /** What the bean seals, that keyset opens (and only that one): the bean uses the keyset it was given. */
    @Test
    void aTinkKeysetIsUsed() {
        SecretCipher cipher = configuration.secretCipher(settings(TestKeyset.json()));
        UUID tenant = UUID.randomUUID();
        UUID record = UUID.randomUUID();

        byte[] sealed = cipher.seal("a callback secret", tenant, record);

        assertThat(TestKeyset.cipher().openText(sealed, tenant, record)).isEqualTo("a callback secret");
        SecretCipher another = SecretCipher.load(SecretCipher.generateKeyset());
        assertThatThrownBy(() -> another.openText(sealed, tenant, record)).isInstanceOf(RuntimeException.class);
    }

    private static PlatformSettings settings(String keyset) {
        return new PlatformSettings(
                URI.create("http://localhost:8081"),
                URI.create("http://localhost:8080"),
                keyset,
                DataSize.ofKilobytes(64),
                List.of("127.0.0.0/8", "::1"));
    }
}
