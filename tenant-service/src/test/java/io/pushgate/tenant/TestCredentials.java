package io.pushgate.tenant;

import io.pushgate.emulator.ApnsCertificate;
import java.io.ByteArrayOutputStream;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Provider credential material made fresh for each test: real keys, never checked in. */
public final class TestCredentials {

    private TestCredentials() {}

    public static String pem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    public static PrivateKey rsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair().getPrivate();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PrivateKey ecKey(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair().getPrivate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An FCM service-account JSON key file, as Google issues it (with a fresh RSA key). */
    public static String serviceAccountJson() {
        return serviceAccountJson(pem(rsaKey()));
    }

    public static String serviceAccountJson(String privateKeyPem) {
        Map<String, String> account = new LinkedHashMap<>();
        account.put("type", "service_account");
        account.put("project_id", "pushgate-test");
        account.put("private_key_id", "0123456789abcdef");
        account.put("private_key", privateKeyPem);
        account.put("client_email", "fcm@pushgate-test.iam.gserviceaccount.com");
        account.put("token_uri", "https://oauth2.googleapis.com/token");
        return JsonMapper.builder().build().writeValueAsString(account);
    }

    /** An APNs .p8 key (EC P-256, PKCS#8 PEM). */
    public static String p8Key() {
        return pem(ecKey("secp256r1"));
    }

    /** An APNs certificate credential's body: the .p12 in base64 and its password. */
    public static Map<String, Object> apnsCertificateBody(ApnsCertificate certificate) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "apns");
        body.put("name", "iOS app (certificate)");
        body.put("certificate", certificate.p12Base64());
        body.put("certificatePassword", certificate.password());
        return body;
    }

    /** A .p12 that holds {@code certificate} alone, without its private key, opened by {@code password}. */
    public static String p12WithoutKey(X509Certificate certificate, String password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("apns", certificate);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, password.toCharArray());
            return Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Object> apnsBody(String p8Key) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "apns");
        body.put("name", "iOS app");
        body.put("p8Key", p8Key);
        body.put("keyId", "ABC123DEFG");
        body.put("teamId", "TEAM123456");
        body.put("topic", "com.example.app");
        body.put("environment", "sandbox");
        return body;
    }
}
