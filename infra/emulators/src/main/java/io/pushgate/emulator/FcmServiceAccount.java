package io.pushgate.emulator;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Google service account made for the FCM emulator: its JSON key file has a fresh RSA key and a
 * {@code token_uri} pointing at the emulator, so {@code GoogleCredentials.fromStream} obtains access
 * tokens from the emulator with the JWT-bearer grant.
 *
 * @param projectId the Firebase project the account sends for
 * @param clientEmail the account's e-mail, the JWT issuer
 * @param clientId the numeric client id
 * @param privateKeyId the key id, the JWT {@code kid}
 * @param privateKeyPem the PKCS#8 private key in PEM
 * @param tokenUri the emulator's token endpoint
 * @param publicKey the public half, with which the emulator verifies assertions
 */
public record FcmServiceAccount(
        String projectId,
        String clientEmail,
        String clientId,
        String privateKeyId,
        String privateKeyPem,
        String tokenUri,
        RSAPublicKey publicKey) {

    public FcmServiceAccount {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(clientEmail, "clientEmail");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        Objects.requireNonNull(tokenUri, "tokenUri");
        Objects.requireNonNull(publicKey, "publicKey");
    }

    static FcmServiceAccount mint(String projectId, String tokenUri) {
        KeyPair keys;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no RSA", e);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String keyId = HexFormat.of().formatHex(randomBytes(20));
        String account = "emulator-" + HexFormat.of().formatHex(randomBytes(4));
        String clientId = Long.toString(100_000_000_000_000_000L + random.nextLong(800_000_000_000_000_000L));
        return new FcmServiceAccount(
                projectId,
                account + "@" + projectId + ".iam.gserviceaccount.com",
                clientId,
                keyId,
                Pem.encode("PRIVATE KEY", keys.getPrivate().getEncoded()),
                tokenUri,
                (RSAPublicKey) keys.getPublic());
    }

    /** The service account key file, as Google Cloud's console downloads it. */
    public String json() {
        Map<String, String> file = new LinkedHashMap<>();
        file.put("type", "service_account");
        file.put("project_id", projectId);
        file.put("private_key_id", privateKeyId);
        file.put("private_key", privateKeyPem);
        file.put("client_email", clientEmail);
        file.put("client_id", clientId);
        file.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
        file.put("token_uri", tokenUri);
        return JsonMapper.shared().writerWithDefaultPrettyPrinter().writeValueAsString(file);
    }

    /** Leaves the private key out. */
    @Override
    public String toString() {
        return "FcmServiceAccount[projectId=" + projectId + ", clientEmail=" + clientEmail + ", privateKeyId="
                + privateKeyId + ", tokenUri=" + tokenUri + "]";
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
