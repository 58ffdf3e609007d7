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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Encrypts secrets at rest (callback secrets, provider credentials) with a Tink AEAD keyset of
 * AES-256-GCM keys. The associated data binds each ciphertext to its tenant and its record, so a
 * ciphertext copied to another tenant's or another record's row does not decrypt.
 *
 * <p>Both services hold the same keyset: tenant-service seals, delivery-service opens. Rotating the
 * keyset means adding a new key, making it primary (new seals use it), re-sealing what the old key
 * sealed ({@link #reseal}) and then removing the old key; old ciphertexts keep opening while their
 * key stays in the keyset. A keyset given as a file is re-read by {@link #reload()}, so the services
 * rotate without a restart (docs/OPERATIONS.md, "Rotating the keyset").
 *
 * <p>Every key is made with Tink's {@code TINK} output prefix: a ciphertext starts with the byte
 * {@code 0x01} and the 4-byte id of the key that sealed it ({@link #keyIdOf}).
 */
public final class SecretCipher {

    private static final String ASSOCIATED_DATA_VERSION = "pushgate/v1/";
    private static final Configuration AEAD = registeredAead();
    private static final byte TINK_PREFIX = 0x01;
    private static final int PREFIX_SIZE = 5;

    /** The keyset's file, or null when it was given as JSON (then it never changes). */
    private final Path file;

    private final AtomicReference<Loaded> loaded;

    private SecretCipher(Path file, Loaded loaded) {
        this.file = file;
        this.loaded = new AtomicReference<>(loaded);
    }

    /** One keyset as parsed, its primitive and the digest of its text (to see a change). */
    private record Loaded(KeysetHandle handle, Aead aead, byte[] digest) {}

    /**
     * The ids of a keyset's keys, as Tink's JSON names them ({@code keyId}, an unsigned 32-bit
     * number): never the material.
     *
     * @param primary the key that seals
     * @param keyIds every key that opens, in the keyset's order
     */
    public record KeyIds(long primary, List<Long> keyIds) {

        public KeyIds {
            keyIds = List.copyOf(keyIds);
        }

        @Override
        public String toString() {
            return "key ids " + keyIds + ", primary " + primary;
        }
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
        if (keyset.startsWith("{")) {
            return new SecretCipher(null, parse(keyset));
        }
        Path file = Path.of(keyset);
        return new SecretCipher(file, parse(read(file)));
    }

    /** The file this cipher's keyset is read from, empty when it was given as JSON. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /**
     * Reads the keyset's file again and, when its content changed, uses the new keyset from now on:
     * seals under its primary, opens with any of its keys. A keyset given as JSON never changes.
     *
     * @return the new keyset's ids when it changed, empty when it did not
     * @throws IllegalArgumentException when the file cannot be read or does not hold a usable
     *     keyset, naming what is wrong but never the key; the keyset in use stays in use
     */
    public Optional<KeyIds> reload() {
        if (file == null) {
            return Optional.empty();
        }
        String text = read(file);
        Loaded current = loaded.get();
        if (Arrays.equals(current.digest(), digest(text))) {
            return Optional.empty();
        }
        Loaded fresh = parse(text);
        loaded.set(fresh);
        return Optional.of(keyIds(fresh.handle()));
    }

    /** The ids of the keys in use now. */
    public KeyIds keyIds() {
        return keyIds(loaded.get().handle());
    }

    /**
     * The id of the key that sealed {@code ciphertext} (its Tink prefix: {@code 0x01} and 4 bytes),
     * empty when it has no such prefix.
     */
    public static OptionalInt keyIdOf(byte[] ciphertext) {
        if (ciphertext == null || ciphertext.length < PREFIX_SIZE || ciphertext[0] != TINK_PREFIX) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(((ciphertext[1] & 0xff) << 24)
                | ((ciphertext[2] & 0xff) << 16)
                | ((ciphertext[3] & 0xff) << 8)
                | (ciphertext[4] & 0xff));
    }

    /** {@link #keyIdOf} as Tink's JSON prints it: unsigned. */
    public static Optional<Long> unsignedKeyIdOf(byte[] ciphertext) {
        OptionalInt id = keyIdOf(ciphertext);
        return id.isPresent() ? Optional.of(Integer.toUnsignedLong(id.getAsInt())) : Optional.empty();
    }

    /** The 5 bytes every ciphertext sealed with key {@code keyId} starts with. */
    public static byte[] prefixOf(long keyId) {
        int id = (int) keyId;
        return new byte[] {TINK_PREFIX, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
    }

    /** Whether {@code ciphertext} was sealed with the primary key in use now. */
    public boolean isUnderPrimary(byte[] ciphertext) {
        OptionalInt id = keyIdOf(ciphertext);
        return id.isPresent()
                && id.getAsInt() == loaded.get().handle().getPrimary().getId();
    }

    /**
     * {@code ciphertext} sealed again under the primary key, or {@code ciphertext} itself (the same
     * array) when the primary already sealed it.
     *
     * @throws SecretUnreadableException when it does not open (see {@link #open})
     */
    public byte[] reseal(byte[] ciphertext, UUID tenantId, UUID recordId) {
        Loaded now = loaded.get();
        OptionalInt id = keyIdOf(ciphertext);
        if (id.isPresent() && id.getAsInt() == now.handle().getPrimary().getId()) {
            return ciphertext;
        }
        byte[] associatedData = associatedData(tenantId, recordId);
        try {
            return now.aead().encrypt(now.aead().decrypt(ciphertext, associatedData), associatedData);
        } catch (GeneralSecurityException e) {
            throw new SecretUnreadableException(tenantId, recordId);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the keyset is neither Tink JSON nor a readable file: " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static Loaded parse(String keyset) {
        try {
            KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(keyset, AEAD, InsecureSecretKeyAccess.get());
            return new Loaded(handle, handle.getPrimitive(AEAD, Aead.class), digest(keyset));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("the keyset is not a usable Tink AEAD keyset in JSON form");
        }
    }

    static KeyIds keyIds(KeysetHandle handle) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < handle.size(); i++) {
            ids.add(Integer.toUnsignedLong(handle.getAt(i).getId()));
        }
        return new KeyIds(Integer.toUnsignedLong(handle.getPrimary().getId()), ids);
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Configuration aeadConfiguration() {
        return AEAD;
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
            return loaded.get().aead().encrypt(plaintext, associatedData(tenantId, recordId));
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
            return loaded.get().aead().decrypt(ciphertext, associatedData(tenantId, recordId));
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
