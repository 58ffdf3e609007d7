package io.pushgate.api.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCipherTests {

    private static final String KEYSET = SecretCipher.generateKeyset();

    private final SecretCipher cipher = SecretCipher.load(KEYSET);
    private final UUID tenant = UUID.randomUUID();
    private final UUID record = UUID.randomUUID();

    @Test
    void opensWhatItSealed() {
        byte[] sealed = cipher.seal("s3cr3t-shared-with-axp", tenant, record);

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("s3cr3t");
        assertThat(cipher.openText(sealed, tenant, record)).isEqualTo("s3cr3t-shared-with-axp");
    }

    @Test
    void aCiphertextDoesNotOpenForAnotherTenantOrRecord() {
        byte[] sealed = cipher.seal("secret", tenant, record);

        assertThatExceptionOfType(SecretUnreadableException.class)
                .isThrownBy(() -> cipher.open(sealed, UUID.randomUUID(), record));
        assertThatExceptionOfType(SecretUnreadableException.class)
                .isThrownBy(() -> cipher.open(sealed, tenant, UUID.randomUUID()));
    }

    @Test
    void anAlteredCiphertextDoesNotOpen() {
        byte[] sealed = cipher.seal("secret", tenant, record);
        sealed[sealed.length - 1] ^= 1;

        assertThatExceptionOfType(SecretUnreadableException.class)
                .isThrownBy(() -> cipher.open(sealed, tenant, record));
    }

    @Test
    void anotherKeysetCannotOpenIt() {
        byte[] sealed = cipher.seal("secret", tenant, record);

        assertThatExceptionOfType(SecretUnreadableException.class)
                .isThrownBy(
                        () -> SecretCipher.load(SecretCipher.generateKeyset()).open(sealed, tenant, record));
    }

    @Test
    void loadsAKeysetFromAFile(@TempDir Path folder) throws Exception {
        Path file = Files.writeString(folder.resolve("keyset.json"), KEYSET);
        byte[] sealed = cipher.seal("secret", tenant, record);

        assertThat(SecretCipher.load(file.toString()).openText(sealed, tenant, record))
                .isEqualTo("secret");
    }

    @Test
    void refusesWhatIsNoKeysetWithoutEchoingIt() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SecretCipher.load("{\"primaryKeyId\": 1, \"key\": \"AAAAsupersecret\"}"))
                .withMessage("the keyset is not a usable Tink AEAD keyset in JSON form");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SecretCipher.load("/nonexistent/keyset.json"))
                .withMessageContaining("neither Tink JSON nor a readable file");
    }
}
