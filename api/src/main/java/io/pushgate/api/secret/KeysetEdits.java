package io.pushgate.api.secret;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.pushgate.api.secret.SecretCipher.KeyIds;
import java.security.GeneralSecurityException;

/**
 * The steps of a keyset rotation on a keyset's Tink JSON text (what {@code ./pushgate keyset} does
 * to {@code keyset.json}): add a key that is not primary yet, make a key primary, remove a key.
 * Each answers the new text, secret material to be written as such, and the ids of its keys.
 */
public final class KeysetEdits {

    private KeysetEdits() {}

    /**
     * A keyset's text after an edit.
     *
     * @param json the new keyset (secret material)
     * @param keyIds its keys' ids
     * @param keyId the key the edit was about (the one added, promoted or removed)
     */
    public record Edited(String json, KeyIds keyIds, long keyId) {

        @Override
        public String toString() {
            return "Edited[" + keyIds + "]"; // never the material
        }
    }

    /** The ids of the keyset {@code json}. */
    public static KeyIds keyIds(String json) {
        return SecretCipher.keyIds(parse(json));
    }

    /** {@code json} with a new AES-256-GCM key that opens but does not seal yet. */
    public static Edited add(String json) {
        KeysetHandle handle = parse(json);
        try {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle);
            builder.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                    .withRandomId());
            KeysetHandle added = builder.build();
            long id = Integer.toUnsignedLong(added.getAt(added.size() - 1).getId());
            return edited(added, id);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot add an AES-256-GCM key", e);
        }
    }

    /**
     * {@code json} with key {@code keyId} as its primary.
     *
     * @throws IllegalArgumentException when it has no such key
     */
    public static Edited promote(String json, long keyId) {
        KeysetHandle handle = parse(json);
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle);
        builder.getAt(indexOf(handle, keyId)).makePrimary();
        return edited(build(builder), keyId);
    }

    /**
     * {@code json} without key {@code keyId}.
     *
     * @throws IllegalArgumentException when it has no such key, or it is the primary
     */
    public static Edited retire(String json, long keyId) {
        KeysetHandle handle = parse(json);
        int index = indexOf(handle, keyId);
        if (handle.getAt(index).isPrimary()) {
            throw new IllegalArgumentException(
                    "key " + keyId + " is the primary: promote another key and re-seal before retiring it");
        }
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle);
        builder.deleteAt(index);
        return edited(build(builder), keyId);
    }

    private static int indexOf(KeysetHandle handle, long keyId) {
        for (int i = 0; i < handle.size(); i++) {
            if (Integer.toUnsignedLong(handle.getAt(i).getId()) == keyId) {
                return i;
            }
        }
        throw new IllegalArgumentException("the keyset has no key " + keyId + " (its keys: "
                + SecretCipher.keyIds(handle).keyIds() + ")");
    }

    private static KeysetHandle build(KeysetHandle.Builder builder) {
        try {
            return builder.build();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "the edited keyset is not usable: " + e.getClass().getSimpleName());
        }
    }

    private static Edited edited(KeysetHandle handle, long keyId) {
        try {
            return new Edited(
                    TinkJsonProtoKeysetFormat.serializeKeyset(
                            handle, SecretCipher.aeadConfiguration(), InsecureSecretKeyAccess.get()),
                    SecretCipher.keyIds(handle),
                    keyId);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the keyset", e);
        }
    }

    private static KeysetHandle parse(String json) {
        try {
            return TinkJsonProtoKeysetFormat.parseKeyset(
                    json, SecretCipher.aeadConfiguration(), InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("the keyset is not a usable Tink AEAD keyset in JSON form");
        }
    }
}
