package io.pushgate.api.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgate.api.secret.KeysetEdits.Edited;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rotation's pieces: key ids of ciphertexts, re-sealing, the keyset's edits and its reload. */
class KeysetRotationTests {

    private final UUID tenant = UUID.randomUUID();
    private final UUID record = UUID.randomUUID();

    @Test
    void aCiphertextNamesThePrimaryKeyThatSealedIt() {
        SecretCipher cipher = SecretCipher.load(SecretCipher.generateKeyset());
        byte[] sealed = cipher.seal("secret", tenant, record);

        assertThat(SecretCipher.unsignedKeyIdOf(sealed))
                .contains(cipher.keyIds().primary());
        assertThat(cipher.keyIds().keyIds()).containsExactly(cipher.keyIds().primary());
        assertThat(SecretCipher.prefixOf(cipher.keyIds().primary())).isEqualTo(java.util.Arrays.copyOf(sealed, 5));
        assertThat(cipher.isUnderPrimary(sealed)).isTrue();
        assertThat(SecretCipher.keyIdOf(new byte[] {0, 1, 2, 3, 4, 5})).isEmpty();
    }

    @Test
    void reSealingMovesACiphertextToTheNewPrimaryAndIsANoOpThere() {
        String old = SecretCipher.generateKeyset();
        byte[] sealed = SecretCipher.load(old).seal("secret", tenant, record);
        Edited added = KeysetEdits.add(old);
        assertThat(added.keyIds().keyIds()).hasSize(2).contains(added.keyId());
        assertThat(added.keyIds().primary())
                .as("an added key is not primary yet")
                .isNotEqualTo(added.keyId());
        Edited promoted = KeysetEdits.promote(added.json(), added.keyId());
        SecretCipher cipher = SecretCipher.load(promoted.json());

        byte[] resealed = cipher.reseal(sealed, tenant, record);

        assertThat(SecretCipher.unsignedKeyIdOf(resealed)).contains(added.keyId());
        assertThat(cipher.openText(resealed, tenant, record)).isEqualTo("secret");
        assertThat(cipher.reseal(resealed, tenant, record)).isSameAs(resealed);
        assertThatExceptionOfType(SecretUnreadableException.class)
                .as("bound to its tenant and record still")
                .isThrownBy(() -> cipher.reseal(sealed, UUID.randomUUID(), record));

        long oldKey = SecretCipher.load(old).keyIds().primary();
        SecretCipher retired =
                SecretCipher.load(KeysetEdits.retire(promoted.json(), oldKey).json());
        assertThat(retired.keyIds().keyIds()).containsExactly(added.keyId());
        assertThat(retired.openText(resealed, tenant, record)).isEqualTo("secret");
        assertThatExceptionOfType(SecretUnreadableException.class)
                .isThrownBy(() -> retired.open(sealed, tenant, record));
    }

    @Test
    void thePrimaryAndAnUnknownKeyCannotBeRetired() {
        String keyset = SecretCipher.generateKeyset();
        long primary = KeysetEdits.keyIds(keyset).primary();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> KeysetEdits.retire(keyset, primary))
                .withMessageContaining("is the primary");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> KeysetEdits.promote(keyset, primary + 1))
                .withMessageContaining("has no key");
    }

    @Test
    void aKeysetFileIsReloadedWhenItChangesAndAnUnusableOneIsRefused(@TempDir Path folder) throws Exception {
        String first = SecretCipher.generateKeyset();
        Path file = Files.writeString(folder.resolve("keyset.json"), first);
        SecretCipher cipher = SecretCipher.load(file.toString());
        byte[] before = cipher.seal("secret", tenant, record);
        assertThat(cipher.reload()).as("unchanged").isEmpty();

        Edited added = KeysetEdits.add(first);
        Edited second = KeysetEdits.promote(added.json(), added.keyId());
        Files.writeString(file, second.json());

        assertThat(cipher.reload()).contains(second.keyIds());
        assertThat(SecretCipher.unsignedKeyIdOf(cipher.seal("secret", tenant, record)))
                .contains(added.keyId());
        assertThat(cipher.openText(before, tenant, record)).isEqualTo("secret");

        Files.writeString(file, "{\"primaryKeyId\": 1, \"key\": \"AAAAsupersecret\"}");
        assertThatIllegalArgumentException()
                .isThrownBy(cipher::reload)
                .withMessage("the keyset is not a usable Tink AEAD keyset in JSON form");
        assertThat(cipher.keyIds()).as("the keyset in use stays").isEqualTo(second.keyIds());
        Files.delete(file);
        assertThatIllegalArgumentException().isThrownBy(cipher::reload).withMessageContaining("readable file");
        assertThat(cipher.openText(before, tenant, record)).isEqualTo("secret");
        assertThat(second.toString()).doesNotContain("value");
    }

    @Test
    void aWatchedFileIsTakenWithinItsIntervalAndEachOutcomeIsCountedAndMeasured(@TempDir Path folder) throws Exception {
        String first = SecretCipher.generateKeyset();
        Path file = Files.writeString(folder.resolve("keyset.json"), first);
        SecretCipher cipher = SecretCipher.load(file.toString());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Edited added = KeysetEdits.add(first);
        Edited promoted = KeysetEdits.promote(added.json(), added.keyId());

        KeysetWatch watch = KeysetWatch.start(cipher, Duration.ofMillis(20), KeysetWatch.observed(cipher, meters));
        try {
            assertThat(meters.get("pushgate_keyset_keys").gauge().value()).isEqualTo(1.0);
            Files.writeString(file, promoted.json());
            eventually(() -> meters.get("pushgate_keyset_reloads")
                            .tag("outcome", "reloaded")
                            .counter()
                            .count()
                    == 1.0);
            assertThat(meters.get("pushgate_keyset_primary_key_id").gauge().value())
                    .isEqualTo((double) added.keyId());
            assertThat(meters.get("pushgate_keyset_keys").gauge().value()).isEqualTo(2.0);

            Files.writeString(file, "not a keyset");
            eventually(() -> meters.get("pushgate_keyset_reloads")
                            .tag("outcome", "refused")
                            .counter()
                            .count()
                    == 1.0);
            Thread.sleep(100); // the same refusal is counted once, not every interval
            assertThat(meters.get("pushgate_keyset_reloads")
                            .tag("outcome", "refused")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(cipher.keyIds()).isEqualTo(promoted.keyIds());
        } finally {
            watch.close();
        }
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as("within 5 s").isTrue();
    }

    @Test
    void aKeysetGivenAsJsonNeverReloads() {
        assertThat(SecretCipher.load(SecretCipher.generateKeyset()).reload()).isEmpty();
    }
}
