package io.pushgate.api.secret;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.UUID;

/**
 * Encrypts secrets at rest (callback secrets, provider credentials) with a Tink AEAD keyset of
 * AES-256-GCM keys. The associated data binds each ciphertext to its tenant and its record, so a
 * ciphertext copied to another tenant's or another record's row does not decrypt.
 *
 * <p>Both services hold the same keyset: tenant-service seals, delivery-service opens. Rotating the
 * keyset means adding a new primary key; old ciphertexts keep opening while their key stays in it.
 */
public final class SecretCipher {

    private static final String ASSOCIATED_DATA_VERSION = "pushgate/v1/";
    private static final Configuration AEAD = registeredAead();

    private final Aead aead;

    private SecretCipher(Aead aead) {
        this.aead = aead;
    }

    /**
     * The cipher of a keyset given as Tink's JSON keyset text, or as the path of a file that holds
     * it (how {@code PUSHGATE_KEYSET} takes it).
     *
     * @throws IllegalArgumentException when it is neither, naming what is wrong but never the key
     */
    public static SecretCipher load(String keysetOrPath) {
        Objects.requireNonNull(keysetOrPath, "keyset");
        String keyset = keysetOrPath.strip();
        if (!keyset.startsWith("{")) {
            Path file = Path.of(keyset);
            try {
                keyset = Files.readString(file);
            } catch (IOException e) {
                throw new IllegalArgumentException("the keyset is neither Tink JSON nor a readable file: " + file + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        try {
            KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(keyset, AEAD, InsecureSecretKeyAccess.get());
            return new SecretCipher(handle.getPrimitive(AEAD, Aead.class));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("the keyset is not a usable Tink AEAD keyset in JSON form");
        }
    }

    /** A new keyset with one AES-256-GCM key, as Tink JSON: secret material, store it as such. */
    public static String generateKeyset() {
        try {
            KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, AEAD);
            return TinkJsonProtoKeysetFormat.serializeKeyset(handle, AEAD, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an AES-256-GCM keyset", e);
        }
    }

    /** Encrypts {@code plaintext} for the record {@code recordId} of tenant {@code tenantId}. */
    public byte[] seal(byte[] plaintext, UUID tenantId, UUID recordId) {
        try {
            return aead.encrypt(plaintext, associatedData(tenantId, recordId));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /** {@link #seal} for text, as UTF-8. */
    public byte[] seal(String plaintext, UUID tenantId, UUID recordId) {
        return seal(plaintext.getBytes(StandardCharsets.UTF_8), tenantId, recordId);
    }

    /**
     * Decrypts what {@link #seal} encrypted for the same tenant and record.
     *
     * @throws SecretUnreadableException when the ciphertext was altered, belongs to another tenant
     *     or record, or was sealed with a key that is no longer in the keyset
     */
    public byte[] open(byte[] ciphertext, UUID tenantId, UUID recordId) {
        try {
            return aead.decrypt(ciphertext, associatedData(tenantId, recordId));
        } catch (GeneralSecurityException e) {
            throw new SecretUnreadableException(tenantId, recordId);
        }
    }

    /** {@link #open} for text sealed as UTF-8. */
    public String openText(byte[] ciphertext, UUID tenantId, UUID recordId) {
        return new String(open(ciphertext, tenantId, recordId), StandardCharsets.UTF_8);
    }

    private static Configuration registeredAead() {
        try {
            AeadConfig.register();
            return RegistryConfiguration.get();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static byte[] associatedData(UUID tenantId, UUID recordId) {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(recordId, "recordId");
        return (ASSOCIATED_DATA_VERSION + tenantId + "/" + recordId).getBytes(StandardCharsets.US_ASCII);
    }
}
