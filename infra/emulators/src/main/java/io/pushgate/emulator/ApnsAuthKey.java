package io.pushgate.emulator;

import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Objects;

/**
 * An APNs token-authentication key as Apple issues it: a P-256 private key in a {@code .p8} (PKCS#8 PEM)
 * file, its 10-character key id and the team id, with the public half the emulator verifies with.
 */
public record ApnsAuthKey(String teamId, String keyId, String privateKeyPem, ECPublicKey publicKey) {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public ApnsAuthKey {
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        Objects.requireNonNull(publicKey, "publicKey");
    }

    /** A new key with a random key id for {@code teamId}. */
    public static ApnsAuthKey mint(String teamId) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            return new ApnsAuthKey(
                    teamId,
                    randomId(),
                    Pem.encode("PRIVATE KEY", keys.getPrivate().getEncoded()),
                    (ECPublicKey) keys.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make a P-256 key", e);
        }
    }

    /** A random 10-character id of the kind Apple uses for team and key ids. */
    public static String randomId() {
        SecureRandom random = new SecureRandom();
        StringBuilder id = new StringBuilder(10);
        for (int i = 0; i < 10; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    /** The key as pushy's {@code ApnsClientBuilder.setSigningKey} takes it, loaded from the .p8 text. */
    public ApnsSigningKey signingKey() {
        try {
            return ApnsSigningKey.loadFromInputStream(
                    new ByteArrayInputStream(privateKeyPem.getBytes(StandardCharsets.US_ASCII)), teamId, keyId);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the minted key", e);
        }
    }

    /** Leaves the private key out. */
    @Override
    public String toString() {
        return "ApnsAuthKey[teamId=" + teamId + ", keyId=" + keyId + "]";
    }
}
