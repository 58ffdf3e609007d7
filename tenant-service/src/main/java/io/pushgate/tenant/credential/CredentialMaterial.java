package io.pushgate.tenant.credential;

import io.pushgate.api.problem.ControlPlaneProblem;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Fields;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Checked provider material: what is sealed ({@code secret}, null for sandbox), the public metadata
 * and a fingerprint. Every check failure is a 400 that says what is wrong and never echoes the key.
 */
record CredentialMaterial(CredentialType type, String secret, Map<String, String> metadata, String fingerprint) {

    /** The order of the NIST P-256 curve's base point: how a P-256 key is recognised. */
    private static final BigInteger P256_ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    private static final Pattern APPLE_ID = Pattern.compile("[A-Z0-9]{10}");
    private static final Pattern BUNDLE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.\\-]{0,254}");

    @Override
    public String toString() {
        return "CredentialMaterial[type=" + type.text() + ", fingerprint=" + fingerprint + "]";
    }

    static CredentialMaterial sandbox() {
        return new CredentialMaterial(CredentialType.SANDBOX, null, Map.of("target", "fcm-emulator"), "sandbox");
    }

    static CredentialMaterial fcm(String serviceAccountJson, ObjectMapper json) {
        String field = "serviceAccountJson";
        if (serviceAccountJson == null || serviceAccountJson.isBlank()) {
            throw ApiRejected.invalidField(field, "is required (the service account's JSON key file, as text)");
        }
        JsonNode account;
        try {
            account = json.readTree(serviceAccountJson);
        } catch (JacksonException e) {
            throw invalid(field, "is not JSON");
        }
        if (account == null || !account.isObject()) {
            throw invalid(field, "is not a JSON object");
        }
        String projectId = member(account, field, "project_id");
        String clientEmail = member(account, field, "client_email");
        String privateKey = member(account, field, "private_key");
        if (account.has("type") && !"service_account".equals(account.get("type").asString())) {
            throw invalid(field, "is not a service account key (\"type\" is not \"service_account\")");
        }
        PrivateKey key = pkcs8(privateKey, "RSA", field, "private_key is not a PEM RSA private key (PKCS#8)");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("projectId", projectId);
        metadata.put("clientEmail", clientEmail);
        if (account.hasNonNull("private_key_id")) {
            metadata.put("privateKeyId", account.get("private_key_id").asString());
        }
        return new CredentialMaterial(CredentialType.FCM, serviceAccountJson, metadata, fingerprint(key));
    }

    static CredentialMaterial apns(String p8Key, String keyId, String teamId, String topic, String environment) {
        if (p8Key == null || p8Key.isBlank()) {
            throw ApiRejected.invalidField("p8Key", "is required (the .p8 file's PEM text)");
        }
        String key = Fields.text("keyId", keyId, 10);
        if (!APPLE_ID.matcher(key).matches()) {
            throw ApiRejected.invalidField("keyId", "must be Apple's 10-character key id (A-Z, 0-9)");
        }
        String team = Fields.text("teamId", teamId, 10);
        if (!APPLE_ID.matcher(team).matches()) {
            throw ApiRejected.invalidField("teamId", "must be Apple's 10-character team id (A-Z, 0-9)");
        }
        String bundle = Fields.text("topic", topic, 255);
        if (!BUNDLE_ID.matcher(bundle).matches()) {
            throw ApiRejected.invalidField("topic", "must be the app's bundle id, e.g. com.example.app");
        }
        if (!"production".equals(environment) && !"sandbox".equals(environment)) {
            throw ApiRejected.invalidField("environment", "must be production or sandbox");
        }
        PrivateKey loaded = pkcs8(p8Key, "EC", "p8Key", "is not a PEM EC private key (PKCS#8, as Apple's .p8 file)");
        if (!(loaded instanceof ECPrivateKey ec) || !ec.getParams().getOrder().equals(P256_ORDER)) {
            throw invalid("p8Key", "is not an EC P-256 key (APNs keys are P-256)");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("keyId", key);
        metadata.put("teamId", team);
        metadata.put("topic", bundle);
        metadata.put("environment", environment);
        return new CredentialMaterial(CredentialType.APNS, p8Key, metadata, fingerprint(loaded));
    }

    private static String member(JsonNode account, String field, String name) {
        JsonNode value = account.get(name);
        if (value == null || !value.isString() || value.asString().isBlank()) {
            throw invalid(field, "has no " + name);
        }
        return value.asString();
    }

    private static PrivateKey pkcs8(String pem, String algorithm, String field, String problem) {
        String text = pem.strip();
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        if (!text.startsWith(begin) || !text.endsWith(end)) {
            throw invalid(field, problem);
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(text.substring(begin.length(), text.length() - end.length()));
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw invalid(field, problem);
        }
    }

    /** SHA-256 of the key's PKCS#8 encoding, first 16 bytes in hex: identifies a key without revealing it. */
    private static String fingerprint(PrivateKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiRejected invalid(String field, String detail) {
        ApiRejected rejected = new ApiRejected(ControlPlaneProblem.INVALID_CREDENTIAL_MATERIAL, field + ": " + detail);
        rejected.getBody().setProperty("field", field);
        return rejected;
    }
}
