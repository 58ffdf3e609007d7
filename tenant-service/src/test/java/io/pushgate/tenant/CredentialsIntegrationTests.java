package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.secret.ApnsCertificateSecret;
import io.pushgate.emulator.ApnsCertificate;
import io.pushgate.emulator.ApnsCertificateAuthority;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestKeyset;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** Provider credentials: checked, sealed, never answered, replaceable. */
@ControlPlaneTest
class CredentialsIntegrationTests {

    private static final ApnsCertificateAuthority AUTHORITY = ApnsCertificateAuthority.create("Test Apple WWDR");

    @Autowired
    Api api;

    Api.Tenant tenant;

    @BeforeEach
    void tenant() {
        tenant = api.tenant();
    }

    @Test
    void anFcmServiceAccountIsSealedAndOnlyItsMetadataIsShown() throws SQLException {
        String serviceAccount = TestCredentials.serviceAccountJson();
        JsonNode created = api.created(
                tenant.token(),
                "/v1/credentials",
                Map.of("type", "fcm", "name", "Android", "serviceAccountJson", serviceAccount));
        String id = created.get("id").asString();
        assertThat(created.get("metadata").get("clientEmail").asString())
                .isEqualTo("fcm@pushgate-test.iam.gserviceaccount.com");
        assertThat(created.toString()).doesNotContain("PRIVATE KEY", "private_key");
        JsonNode one = Api.json(api.get(tenant.token(), "/v1/credentials/" + id), 200);
        assertThat(one.toString()).doesNotContain("PRIVATE KEY");
        assertThat(one.get("fingerprint").asString())
                .isEqualTo(created.get("fingerprint").asString());

        byte[] sealed = material(id);
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("PRIVATE KEY");
        assertThat(TestKeyset.cipher().openText(sealed, tenant.tenantId(), UUID.fromString(id)))
                .isEqualTo(serviceAccount);
    }

    @Test
    void invalidFcmMaterialIsRefusedWithoutEchoingIt() {
        String garbageKey = "-----BEGIN PRIVATE KEY-----\nTm90QUtleUF0QWxsU2VjcmV0VmFsdWU=\n-----END PRIVATE KEY-----";
        assertInvalidMaterial(fcm("not json"), "is not JSON", null);
        assertInvalidMaterial(fcm("{\"client_email\":\"x@y.z\",\"private_key\":\"k\"}"), "project_id", null);
        assertInvalidMaterial(
                fcm(TestCredentials.serviceAccountJson(garbageKey)), "private_key", "Tm90QUtleUF0QWxsU2VjcmV0VmFsdWU=");
        String ecKey = TestCredentials.pem(TestCredentials.ecKey("secp256r1"));
        assertInvalidMaterial(fcm(TestCredentials.serviceAccountJson(ecKey)), "RSA", ecKey.substring(40, 80));
        JsonNode missing =
                Api.json(api.post(tenant.token(), "/v1/credentials", Map.of("type", "fcm", "name", "x")), 400);
        assertThat(missing.get("field").asString()).isEqualTo("serviceAccountJson");
    }

    @Test
    void anApnsKeyMustBeAnEcP256Key() {
        String p8 = TestCredentials.p8Key();
        JsonNode created = api.created(tenant.token(), "/v1/credentials", TestCredentials.apnsBody(p8));
        assertThat(created.get("type").asString()).isEqualTo("apns");
        assertThat(created.get("metadata").get("keyId").asString()).isEqualTo("ABC123DEFG");
        assertThat(created.get("metadata").get("teamId").asString()).isEqualTo("TEAM123456");
        assertThat(created.get("metadata").get("topic").asString()).isEqualTo("com.example.app");
        assertThat(created.get("metadata").get("environment").asString()).isEqualTo("sandbox");
        assertThat(created.toString()).doesNotContain(p8.substring(30, 60));

        String p384 = TestCredentials.pem(TestCredentials.ecKey("secp384r1"));
        assertInvalidMaterial(
                api.post(tenant.token(), "/v1/credentials", TestCredentials.apnsBody(p384)),
                "P-256",
                p384.substring(40, 80));
        String rsa = TestCredentials.pem(TestCredentials.rsaKey());
        assertInvalidMaterial(api.post(tenant.token(), "/v1/credentials", TestCredentials.apnsBody(rsa)), "EC", null);

        assertField(apnsWith("keyId", "short"), "keyId");
        assertField(apnsWith("teamId", null), "teamId");
        assertField(apnsWith("topic", "not a bundle id"), "topic");
        assertField(apnsWith("environment", "staging"), "environment");
        assertField(apnsWith("p8Key", null), "p8Key");
    }

    @Test
    void anApnsCertificateIsSealedAndOnlyItsSubjectEnvironmentsAndExpiryAreShown() throws SQLException {
        ApnsCertificate certificate = AUTHORITY.issue("com.example.app");
        JsonNode created =
                api.created(tenant.token(), "/v1/credentials", TestCredentials.apnsCertificateBody(certificate));
        String id = created.get("id").asString();
        assertThat(created.get("type").asString()).isEqualTo("apns");
        JsonNode metadata = created.get("metadata");
        assertThat(metadata.get("authentication").asString()).isEqualTo("certificate");
        assertThat(metadata.get("topic").asString()).isEqualTo("com.example.app");
        assertThat(metadata.get("environments").asString()).isEqualTo("sandbox, production");
        assertThat(metadata.get("environment").asString()).isEqualTo("production");
        assertThat(metadata.get("certificateSubject").asString()).isEqualTo("Apple Push Services: com.example.app");
        assertThat(metadata.get("teamId").asString()).matches("[A-Z0-9]{10}");
        assertThat(Instant.parse(metadata.get("expiresAt").asString())).isEqualTo(certificate.expiresAt());
        assertThat(created.get("fingerprint").asString()).matches("sha256:[0-9a-f]{32}");

        String one = Api.text(api.get(tenant.token(), "/v1/credentials/" + id), 200);
        String list = Api.text(api.get(tenant.token(), "/v1/credentials"), 200);
        for (String answer : List.of(created.toString(), one, list)) {
            assertThat(answer)
                    .contains(certificate.expiresAt().toString())
                    .doesNotContain(
                            certificate.password(), certificate.p12Base64().substring(100, 160), "pkcs12:");
        }

        byte[] sealed = material(id);
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(certificate.password());
        ApnsCertificateSecret opened = ApnsCertificateSecret.decode(
                TestKeyset.cipher().openText(sealed, tenant.tenantId(), UUID.fromString(id)));
        assertThat(opened.p12()).isEqualTo(certificate.p12());
        assertThat(opened.password()).isEqualTo(certificate.password());
    }

    @Test
    void aCertificateForTheDevelopmentEnvironmentOnlyCoversSandbox() {
        Instant now = Instant.now();
        ApnsCertificate development = AUTHORITY.issue(
                "com.example.app", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)), true, false);
        JsonNode created =
                api.created(tenant.token(), "/v1/credentials", TestCredentials.apnsCertificateBody(development));
        assertThat(created.get("metadata").get("environments").asString()).isEqualTo("sandbox");
        assertThat(created.get("metadata").get("environment").asString()).isEqualTo("sandbox");
        assertThat(created.get("metadata").get("certificateSubject").asString())
                .isEqualTo("Apple Development IOS Push Services: com.example.app");

        Map<String, Object> production = new HashMap<>(TestCredentials.apnsCertificateBody(development));
        production.put("environment", "production");
        assertField(api.post(tenant.token(), "/v1/credentials", production), "environment");
    }

    @Test
    void aWrongPasswordIsRefusedNamingThePassword() {
        ApnsCertificate certificate = AUTHORITY.issue("com.example.app");
        Map<String, Object> body = new HashMap<>(TestCredentials.apnsCertificateBody(certificate));
        body.put("certificatePassword", "not-" + certificate.password());
        assertRefusedCertificate(body, "certificatePassword", "does not open", certificate);
        body.remove("certificatePassword");
        assertRefusedCertificate(body, "certificatePassword", "does not open", certificate);
    }

    @Test
    void aFileThatIsNotPkcs12IsRefusedNamingTheCertificate() {
        ApnsCertificate certificate = AUTHORITY.issue("com.example.app");
        Map<String, Object> body = new HashMap<>(TestCredentials.apnsCertificateBody(certificate));
        body.put(
                "certificate",
                Base64.getEncoder()
                        .encodeToString(TestCredentials.p8Key().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertRefusedCertificate(body, "certificate", "PKCS#12", certificate);
        body.put("certificate", "not base64 at all!");
        assertRefusedCertificate(body, "certificate", "base64", certificate);
        body.put("certificate", TestCredentials.p12WithoutKey(certificate.certificate(), certificate.password()));
        assertRefusedCertificate(body, "certificate", "no private key", certificate);
        body.remove("certificate");
        assertField(api.post(tenant.token(), "/v1/credentials", body), "p8Key");
    }

    @Test
    void anExpiredCertificateIsRefusedNamingTheCertificate() {
        Instant now = Instant.now();
        ApnsCertificate expired = AUTHORITY.issue(
                "com.example.app", now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(35)), true, true);
        assertRefusedCertificate(
                TestCredentials.apnsCertificateBody(expired),
                "certificate",
                "expired on " + expired.expiresAt(),
                expired);
    }

    @Test
    void aCertificateThatIsNotForApnsOrNotForTheTopicIsRefused() {
        Instant now = Instant.now();
        ApnsCertificate notPush = AUTHORITY.issue(
                "com.example.app", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)), false, false);
        assertRefusedCertificate(
                TestCredentials.apnsCertificateBody(notPush), "certificate", "not an Apple Push", notPush);

        ApnsCertificate certificate = AUTHORITY.issue("com.example.app");
        Map<String, Object> otherTopic = new HashMap<>(TestCredentials.apnsCertificateBody(certificate));
        otherTopic.put("topic", "com.example.other");
        assertField(api.post(tenant.token(), "/v1/credentials", otherTopic), "topic");
        Map<String, Object> both = new HashMap<>(TestCredentials.apnsCertificateBody(certificate));
        both.put("p8Key", TestCredentials.p8Key());
        assertField(api.post(tenant.token(), "/v1/credentials", both), "certificate");
    }

    @Test
    void aTokenKeyCanBeReplacedByACertificate() {
        JsonNode created =
                api.created(tenant.token(), "/v1/credentials", TestCredentials.apnsBody(TestCredentials.p8Key()));
        ApnsCertificate certificate = AUTHORITY.issue("com.example.app");
        JsonNode replaced = Api.json(
                api.put(
                        tenant.token(),
                        "/v1/credentials/" + created.get("id").asString(),
                        TestCredentials.apnsCertificateBody(certificate)),
                200);
        assertThat(replaced.get("type").asString()).isEqualTo("apns");
        assertThat(replaced.get("metadata").get("authentication").asString()).isEqualTo("certificate");
        assertThat(replaced.get("metadata").has("keyId")).isFalse();
        assertThat(replaced.get("metadata").get("expiresAt").asString())
                .isEqualTo(certificate.expiresAt().toString());
    }

    private void assertRefusedCertificate(
            Map<String, Object> body, String field, String saying, ApnsCertificate certificate) {
        String answer = Api.text(api.post(tenant.token(), "/v1/credentials", body), 400);
        JsonNode problem = Api.parse(answer);
        assertThat(problem.get("type").asString())
                .isEqualTo("https://pushgate.io/problems/invalid-credential-material");
        assertThat(problem.get("field").asString()).isEqualTo(field);
        assertThat(problem.get("detail").asString()).contains(saying);
        assertThat(answer)
                .doesNotContain(certificate.password(), certificate.p12Base64().substring(100, 160));
    }

    @Test
    void anUnknownTypeOrNoNameIsRefused() {
        assertField(api.post(tenant.token(), "/v1/credentials", Map.of("type", "webpush", "name", "x")), "type");
        assertField(api.post(tenant.token(), "/v1/credentials", Map.of("name", "x")), "type");
        assertField(api.post(tenant.token(), "/v1/credentials", Map.of("type", "sandbox")), "name");
    }

    @Test
    void replacingMaterialRotatesItAndKeepsTheType() {
        JsonNode created =
                api.created(tenant.token(), "/v1/credentials", fcm(TestCredentials.serviceAccountJson()).body);
        String id = created.get("id").asString();
        Map<String, Object> replacement = new HashMap<>(fcm(TestCredentials.serviceAccountJson()).body);
        replacement.put("name", "Android (rotated)");
        JsonNode replaced = Api.json(api.put(tenant.token(), "/v1/credentials/" + id, replacement), 200);
        assertThat(replaced.get("fingerprint").asString())
                .isNotEqualTo(created.get("fingerprint").asString());
        assertThat(replaced.get("name").asString()).isEqualTo("Android (rotated)");

        assertField(
                api.put(tenant.token(), "/v1/credentials/" + id, TestCredentials.apnsBody(TestCredentials.p8Key())),
                "type");
        api.put(tenant.token(), "/v1/credentials/" + UUID.randomUUID(), replacement)
                .expectStatus()
                .isNotFound();
    }

    @Test
    void deletedCredentialsAreGoneAndNoLongerDefaults() {
        JsonNode sandbox = api.created(tenant.token(), "/v1/credentials", Map.of("type", "sandbox", "name", "Sandbox"));
        String id = sandbox.get("id").asString();
        String configuration = api.configuration(tenant.token(), "App");
        api.patch(
                        tenant.token(),
                        "/v1/configurations/" + configuration,
                        Map.of("defaultCredentials", Map.of("ios", id)))
                .expectStatus()
                .isOk();
        api.delete(tenant.token(), "/v1/credentials/" + id).expectStatus().isNoContent();
        api.get(tenant.token(), "/v1/credentials/" + id).expectStatus().isNotFound();
        api.delete(tenant.token(), "/v1/credentials/" + id).expectStatus().isNotFound();
        JsonNode after = Api.json(api.get(tenant.token(), "/v1/configurations/" + configuration), 200);
        assertThat(after.get("defaultCredentials").get("ios").isNull()).isTrue();
    }

    @Test
    void listsArePagedByCursor() {
        List<String> ids = new ArrayList<>();
        for (String name : List.of("One", "Two", "Three")) {
            ids.add(api.sandboxCredential(tenant.token(), name));
        }
        JsonNode first = Api.json(api.get(tenant.token(), "/v1/credentials?limit=2"), 200);
        JsonNode second = Api.json(
                api.get(
                        tenant.token(),
                        "/v1/credentials?limit=2&cursor="
                                + first.get("nextCursor").asString()),
                200);

        assertThat(first.get("items")).hasSize(2);
        assertThat(second.get("items")).hasSize(1);
        assertThat(second.get("nextCursor").isNull()).isTrue();
        assertThat(List.of(
                        first.get("items").get(0).get("id").asString(),
                        first.get("items").get(1).get("id").asString(),
                        second.get("items").get(0).get("id").asString()))
                .containsExactlyInAnyOrderElementsOf(ids);
        assertField(api.get(tenant.token(), "/v1/credentials?cursor=garbage!"), "cursor");
        assertField(api.get(tenant.token(), "/v1/credentials?limit=201"), "limit");
    }

    private record Request(Map<String, Object> body) {}

    private static Request fcm(String serviceAccountJson) {
        return new Request(Map.of("type", "fcm", "name", "Android", "serviceAccountJson", serviceAccountJson));
    }

    private WebTestClient.ResponseSpec apnsWith(String field, String value) {
        Map<String, Object> body = new HashMap<>(TestCredentials.apnsBody(TestCredentials.p8Key()));
        body.put(field, value);
        return api.post(tenant.token(), "/v1/credentials", body);
    }

    private void assertInvalidMaterial(Request request, String saying, String neverEchoed) {
        assertInvalidMaterial(api.post(tenant.token(), "/v1/credentials", request.body()), saying, neverEchoed);
    }

    private static void assertInvalidMaterial(WebTestClient.ResponseSpec response, String saying, String neverEchoed) {
        String body = Api.text(response, 400);
        JsonNode problem = Api.parse(body);
        assertThat(problem.get("type").asString())
                .isEqualTo("https://pushgate.io/problems/invalid-credential-material");
        assertThat(problem.get("detail").asString()).contains(saying);
        assertThat(body).doesNotContain("PRIVATE KEY");
        if (neverEchoed != null) {
            assertThat(body).doesNotContain(neverEchoed);
        }
    }

    private static void assertField(WebTestClient.ResponseSpec response, String field) {
        assertThat(Api.json(response, 400).get("field").asString()).isEqualTo(field);
    }

    private static byte[] material(String id) throws SQLException {
        try (var connection = TestDatabase.get().connect();
                var statement = connection.prepareStatement(
                        "SELECT material_ciphertext FROM tenancy.credential WHERE id = ?::uuid")) {
            statement.setString(1, id);
            try (var rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getBytes(1);
            }
        }
    }
}
