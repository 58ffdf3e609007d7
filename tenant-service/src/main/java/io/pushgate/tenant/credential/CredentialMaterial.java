package io.pushgate.tenant.credential;

import io.pushgate.api.problem.ControlPlaneProblem;
import io.pushgate.api.secret.ApnsCertificateSecret;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Fields;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
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
    /** Apple's extensions on an APNs certificate for the development (sandbox) and production environments. */
    private static final String APNS_DEVELOPMENT_OID = "1.2.840.113635.100.6.3.1";

    private static final String APNS_PRODUCTION_OID = "1.2.840.113635.100.6.3.2";
    private static final int MAX_P12_BYTES = 64 * 1024;
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
            throw ApiRejected.invalidField(
                    "p8Key", "is required (the .p8 file's PEM text), or certificate for an APNs certificate (.p12)");
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

    /**
     * An APNs certificate: a {@code .p12} (base64 in {@code certificate}) that {@code certificatePassword}
     * opens, holding one private key and its certificate, which must be Apple's APNs client certificate
     * (Apple's development or production push extension, the bundle id as the subject's {@code UID}) and
     * valid now. {@code topic} and {@code environment} are optional: they default to the certificate's
     * bundle id and to production when it covers production, and must be ones it covers. Sealed as an
     * {@link ApnsCertificateSecret}; the metadata shows its subject, environments and {@code expiresAt}.
     */
    static CredentialMaterial apnsCertificate(
            String certificate, String password, String topic, String environment, Clock clock) {
        String field = "certificate";
        if (certificate == null || certificate.isBlank()) {
            throw ApiRejected.invalidField(field, "is required (the .p12 file, base64-encoded)");
        }
        byte[] p12;
        try {
            p12 = Base64.getDecoder().decode(certificate.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw invalid(field, "is not base64 (the .p12 file's bytes, base64-encoded)");
        }
        if (p12.length == 0 || p12.length > MAX_P12_BYTES) {
            throw invalid(field, "is not a .p12 file of at most " + MAX_P12_BYTES / 1024 + " KiB");
        }
        String secret = password == null ? "" : password;
        KeyStore store = pkcs12(p12, secret);
        List<String> keys = new ArrayList<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keys.add(alias);
                }
            }
        } catch (KeyStoreException e) {
            throw invalid(field, "is not a PKCS#12 (.p12) file");
        }
        if (keys.isEmpty()) {
            throw invalid(
                    field,
                    "holds no private key: export the certificate together with its private key from Keychain"
                            + " Access (both selected) as a .p12 file");
        }
        if (keys.size() > 1) {
            throw invalid(field, "holds " + keys.size() + " private keys: export one APNs certificate with its key");
        }
        PrivateKey key;
        X509Certificate cert;
        try {
            key = (PrivateKey) store.getKey(keys.get(0), secret.toCharArray());
            java.security.cert.Certificate[] chain = store.getCertificateChain(keys.get(0));
            if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate first)) {
                throw invalid(field, "holds a private key without its certificate");
            }
            cert = first;
        } catch (UnrecoverableKeyException e) {
            throw invalid("certificatePassword", "does not open the private key in the .p12 file");
        } catch (GeneralSecurityException | ClassCastException e) {
            throw invalid(field, "holds a private key that cannot be read");
        }
        if (!belongTogether(key, cert)) {
            throw invalid(field, "holds a private key that does not belong to its certificate");
        }
        List<String> environments = new ArrayList<>();
        if (cert.getExtensionValue(APNS_DEVELOPMENT_OID) != null) {
            environments.add("sandbox");
        }
        if (cert.getExtensionValue(APNS_PRODUCTION_OID) != null) {
            environments.add("production");
        }
        if (environments.isEmpty()) {
            throw invalid(
                    field,
                    "is not an Apple Push Notification service certificate (it has neither Apple's development"
                            + " nor production push extension)");
        }
        Map<String, String> subject = subject(cert);
        String bundle = subject.get("UID");
        if (bundle == null || !BUNDLE_ID.matcher(bundle).matches()) {
            throw invalid(field, "is not an APNs certificate: its subject has no UID naming the app's bundle id");
        }
        Instant now = clock.instant();
        Instant expiresAt = cert.getNotAfter().toInstant();
        if (now.isAfter(expiresAt)) {
            throw invalid(
                    field,
                    "expired on " + expiresAt + ": create a new APNs certificate in Apple's developer account"
                            + " (Certificates, Identifiers & Profiles)");
        }
        if (now.isBefore(cert.getNotBefore().toInstant())) {
            throw invalid(field, "is not valid before " + cert.getNotBefore().toInstant());
        }
        String chosenTopic = topic == null || topic.isBlank() ? bundle : topic.strip();
        if (!chosenTopic.equals(bundle)) {
            throw ApiRejected.invalidField(
                    "topic", "must be the certificate's bundle id, " + bundle + " (or left out)");
        }
        String chosenEnvironment;
        if (environment == null || environment.isBlank()) {
            chosenEnvironment = environments.contains("production") ? "production" : "sandbox";
        } else if (!"production".equals(environment) && !"sandbox".equals(environment)) {
            throw ApiRejected.invalidField("environment", "must be production or sandbox");
        } else if (!environments.contains(environment)) {
            throw ApiRejected.invalidField(
                    "environment", "must be one the certificate covers: " + String.join(", ", environments));
        } else {
            chosenEnvironment = environment;
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("authentication", "certificate");
        metadata.put("topic", bundle);
        metadata.put("environment", chosenEnvironment);
        metadata.put("environments", String.join(", ", environments));
        if (subject.containsKey("OU")) {
            metadata.put("teamId", subject.get("OU"));
        }
        metadata.put(
                "certificateSubject",
                subject.getOrDefault("CN", cert.getSubjectX500Principal().getName()));
        metadata.put("expiresAt", expiresAt.toString());
        String sealed = new ApnsCertificateSecret(p12, secret).encode();
        try {
            return new CredentialMaterial(CredentialType.APNS, sealed, metadata, fingerprint(cert.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw invalid(field, "holds a certificate that cannot be encoded");
        }
    }

    private static KeyStore pkcs12(byte[] p12, String password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(p12), password.toCharArray());
            return store;
        } catch (IOException e) {
            // the JDK says a wrong password (a failed integrity check) with this cause
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw invalid("certificatePassword", "does not open the .p12 file");
            }
            throw invalid("certificate", "is not a PKCS#12 (.p12) file");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw invalid("certificate", "is not a PKCS#12 (.p12) file");
        }
    }

    /** Whether {@code key} is the private half of {@code certificate}'s public key: a signature tells. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        try {
            byte[] probe = "pushgate".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The subject's attributes by their short names (UID, CN, OU, O, C), as RFC 2253 names them. */
    private static Map<String, String> subject(X509Certificate certificate) {
        Map<String, String> attributes = new LinkedHashMap<>();
        try {
            LdapName name = new LdapName(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
            for (Rdn rdn : name.getRdns()) {
                attributes.putIfAbsent(
                        rdn.getType().toUpperCase(java.util.Locale.ROOT), String.valueOf(rdn.getValue()));
            }
        } catch (InvalidNameException e) {
            // no attributes: the checks above say what is missing
        }
        return attributes;
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
        return fingerprint(key.getEncoded());
    }

    /** SHA-256 of {@code encoded} (a key's PKCS#8, a certificate's DER), first 16 bytes in hex. */
    private static String fingerprint(byte[] encoded) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(encoded);
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
