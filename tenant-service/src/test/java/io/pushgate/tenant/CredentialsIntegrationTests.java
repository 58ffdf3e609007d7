package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestKeyset;
import java.sql.SQLException;
import java.util.ArrayList;
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
