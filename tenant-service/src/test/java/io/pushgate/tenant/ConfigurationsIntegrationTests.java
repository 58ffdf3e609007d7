package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestKeyset;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** AXP configurations: create, read, change, rotate, delete, and what the ingress reads from the table. */
@ControlPlaneTest
class ConfigurationsIntegrationTests {

    @Autowired
    Api api;

    Api.Tenant tenant;

    @BeforeEach
    void tenant() {
        tenant = api.tenant();
    }

    @Test
    void aConfigurationShowsItsSecretOnlyWhenCreated() throws SQLException {
        JsonNode created = api.created(tenant.token(), "/v1/configurations", Map.of("name", "App"));
        String id = created.get("id").asString();
        String secret = created.get("secret").asString();
        assertThat(created.get("callbackUrl").asString())
                .matches("https://push\\.example\\.test/axp/callbacks/[A-Za-z0-9_-]{43}");
        assertThat(created.get("openRegistration").asBoolean()).isFalse();
        assertThat(created.get("notificationTemplate").get("title").isNull()).isTrue();
        assertThat(created.get("defaultCredentials").get("android").isNull()).isTrue();
        assertThat(created.get("axpConfigurationId").isNull()).isTrue();

        JsonNode one = Api.json(api.get(tenant.token(), "/v1/configurations/" + id), 200);
        assertThat(one.has("secret")).isFalse();
        assertThat(one.toString()).doesNotContain(secret);
        JsonNode list = Api.json(api.get(tenant.token(), "/v1/configurations"), 200);
        assertThat(list.toString()).doesNotContain(secret);

        // sealed at rest for (tenant, configuration): the ingress opens it with the configuration's id
        Row row = row(id);
        assertThat(new String(row.secret)).doesNotContain(secret);
        assertThat(TestKeyset.cipher().openText(row.secret, tenant.tenantId(), UUID.fromString(id)))
                .isEqualTo(secret);
    }

    @Test
    void aConfigurationNeedsAName() {
        JsonNode problem =
                Api.json(api.post(tenant.token(), "/v1/configurations", Map.of("axpConfigurationId", "x")), 400);
        assertThat(problem.get("field").asString()).isEqualTo("name");
        Map<String, Object> tooLong = Map.of("name", "n".repeat(201));
        assertThat(Api.json(api.post(tenant.token(), "/v1/configurations", tooLong), 400)
                        .get("field")
                        .asString())
                .isEqualTo("name");
    }

    @Test
    void patchChangesEveryOptionAndLeavesTheRestAlone() {
        String id = create("Before");
        JsonNode sandbox = api.created(tenant.token(), "/v1/credentials", Map.of("type", "sandbox", "name", "Sandbox"));
        Map<String, Object> patch = new HashMap<>();
        patch.put("name", "After");
        patch.put("enabled", false);
        patch.put("openRegistration", true);
        patch.put("deliveryWindow", "PT5M");
        patch.put("notificationTemplate", Map.of("title", "Agent replied", "body", "Tap to continue"));
        patch.put("defaultCredentials", Map.of("android", sandbox.get("id").asString()));
        JsonNode patched = Api.json(api.patch(tenant.token(), "/v1/configurations/" + id, patch), 200);
        assertThat(patched.get("name").asString()).isEqualTo("After");
        assertThat(patched.get("enabled").asBoolean()).isFalse();
        assertThat(patched.get("openRegistration").asBoolean()).isTrue();
        assertThat(patched.get("deliveryWindow").asString()).isEqualTo("PT5M");
        assertThat(patched.get("notificationTemplate").get("title").asString()).isEqualTo("Agent replied");
        assertThat(patched.get("notificationTemplate").get("body").asString()).isEqualTo("Tap to continue");
        assertThat(patched.get("defaultCredentials").get("android").asString())
                .isEqualTo(sandbox.get("id").asString());
        assertThat(patched.get("defaultCredentials").get("ios").isNull()).isTrue();

        Map<String, Object> clear = new HashMap<>();
        clear.put("android", null);
        JsonNode cleared = Api.json(
                api.patch(tenant.token(), "/v1/configurations/" + id, Map.of("defaultCredentials", clear)), 200);
        assertThat(cleared.get("defaultCredentials").get("android").isNull()).isTrue();
        assertThat(cleared.get("name").asString()).isEqualTo("After");
    }

    @Test
    void patchNamesTheFieldThatIsInvalid() {
        String id = create("App");
        String path = "/v1/configurations/" + id;
        assertField(api.patch(tenant.token(), path, Map.of("deliveryWindow", "ten minutes")), "deliveryWindow");
        assertField(api.patch(tenant.token(), path, Map.of("deliveryWindow", "PT48H")), "deliveryWindow");
        assertField(api.patch(tenant.token(), path, Map.of("enabled", "yes")), "enabled");
        assertField(api.patch(tenant.token(), path, Map.of("secret", "mine")), "secret");
        assertField(api.patch(tenant.token(), path, Map.of("name", "")), "name");
        assertField(
                api.patch(
                        tenant.token(),
                        path,
                        Map.of(
                                "defaultCredentials",
                                Map.of("android", UUID.randomUUID().toString()))),
                "defaultCredentials.android");
        assertField(
                api.patch(
                        tenant.token(),
                        path,
                        Map.of(
                                "defaultCredentials",
                                Map.of("web", UUID.randomUUID().toString()))),
                "defaultCredentials.web");
        JsonNode apns =
                api.created(tenant.token(), "/v1/credentials", TestCredentials.apnsBody(TestCredentials.p8Key()));
        assertField(
                api.patch(
                        tenant.token(),
                        path,
                        Map.of(
                                "defaultCredentials",
                                Map.of("android", apns.get("id").asString()))),
                "defaultCredentials.android");
        api.patch(tenant.token(), "/v1/configurations/" + UUID.randomUUID(), Map.of("name", "x"))
                .expectStatus()
                .isNotFound();
    }

    @Test
    void anAxpConfigurationIdIsUniquePlatformWide() {
        String axpId = "axp-" + UUID.randomUUID();
        api.post(tenant.token(), "/v1/configurations", Map.of("name", "A", "axpConfigurationId", axpId))
                .expectStatus()
                .isCreated();
        Api.Tenant other = api.tenant();
        JsonNode problem = Api.json(
                api.post(other.token(), "/v1/configurations", Map.of("name", "B", "axpConfigurationId", axpId)), 409);
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/axp-configuration-id-taken");
        String otherId = api.configuration(other.token(), "B");
        api.patch(other.token(), "/v1/configurations/" + otherId, Map.of("axpConfigurationId", axpId))
                .expectStatus()
                .isEqualTo(409);
    }

    @Test
    void rotatingTheSecretKeepsThePreviousOneForTheGraceWindowUntilExpiredEarly() throws SQLException {
        JsonNode created = api.created(tenant.token(), "/v1/configurations", Map.of("name", "App"));
        String id = created.get("id").asString();
        String first = created.get("secret").asString();
        Instant before = Instant.now();

        JsonNode rotated = Api.json(api.postEmpty(tenant.token(), "/v1/configurations/" + id + "/secret:rotate"), 200);
        String second = rotated.get("secret").asString();
        Instant validUntil =
                Instant.parse(rotated.get("previousSecretValidUntil").asString());
        assertThat(validUntil)
                .isAfterOrEqualTo(before.plus(Duration.ofHours(24)).minusSeconds(1));

        Row row = row(id);
        UUID configurationId = UUID.fromString(id);
        assertThat(TestKeyset.cipher().openText(row.secret, tenant.tenantId(), configurationId))
                .isEqualTo(second);
        assertThat(TestKeyset.cipher().openText(row.previousSecret, tenant.tenantId(), configurationId))
                .isEqualTo(first);
        assertThat(row.previousValidUntil).isEqualTo(validUntil.truncatedTo(java.time.temporal.ChronoUnit.MICROS));

        api.postEmpty(tenant.token(), "/v1/configurations/" + id + "/secret:expire-previous")
                .expectStatus()
                .isNoContent();
        Row expired = row(id);
        assertThat(expired.previousSecret).isNull();
        assertThat(expired.previousValidUntil).isNull();
    }

    @Test
    void rotatingTheCallbackKeyChangesTheCallbackUrl() {
        JsonNode created = api.created(tenant.token(), "/v1/configurations", Map.of("name", "App"));
        String id = created.get("id").asString();
        JsonNode rotated =
                Api.json(api.postEmpty(tenant.token(), "/v1/configurations/" + id + "/callback-key:rotate"), 200);
        assertThat(rotated.get("callbackUrl").asString())
                .isNotEqualTo(created.get("callbackUrl").asString())
                .startsWith("https://push.example.test/axp/callbacks/");
    }

    @Test
    void deletedConfigurationsAreGone() {
        String id = create("App");
        api.delete(tenant.token(), "/v1/configurations/" + id).expectStatus().isNoContent();
        api.get(tenant.token(), "/v1/configurations/" + id).expectStatus().isNotFound();
        api.delete(tenant.token(), "/v1/configurations/" + id).expectStatus().isNotFound();
        api.postEmpty(tenant.token(), "/v1/configurations/" + id + "/secret:rotate")
                .expectStatus()
                .isNotFound();
        api.get(tenant.token(), "/v1/configurations/not-a-uuid").expectStatus().isNotFound();
    }

    @Test
    void listsArePagedByCursor() {
        List<String> ids = List.of(create("1"), create("2"), create("3"));
        JsonNode first = Api.json(api.get(tenant.token(), "/v1/configurations?limit=2"), 200);
        assertThat(first.get("items")).hasSize(2);
        String cursor = first.get("nextCursor").asString();
        JsonNode second = Api.json(api.get(tenant.token(), "/v1/configurations?limit=2&cursor=" + cursor), 200);
        assertThat(second.get("items")).hasSize(1);
        assertThat(second.get("nextCursor").isNull()).isTrue();
        assertThat(List.of(
                        first.get("items").get(0).get("id").asString(),
                        first.get("items").get(1).get("id").asString(),
                        second.get("items").get(0).get("id").asString()))
                .containsExactlyInAnyOrderElementsOf(ids);
        assertField(api.get(tenant.token(), "/v1/configurations?cursor=garbage!"), "cursor");
        assertField(api.get(tenant.token(), "/v1/configurations?limit=0"), "limit");
    }

    private String create(String name) {
        return api.configuration(tenant.token(), name);
    }

    private static void assertField(
            org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec response, String field) {
        JsonNode problem = Api.json(response, 400);
        assertThat(problem.get("field").asString()).isEqualTo(field);
    }

    record Row(byte[] secret, byte[] previousSecret, Instant previousValidUntil) {}

    private static Row row(String id) throws SQLException {
        try (var connection = TestDatabase.get().connect();
                var statement = connection.prepareStatement(
                        "SELECT secret_ciphertext, previous_secret_ciphertext, previous_secret_valid_until"
                                + " FROM tenancy.configuration WHERE id = ?::uuid")) {
            statement.setString(1, id);
            try (var rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                var until = rows.getObject(3, java.time.OffsetDateTime.class);
                return new Row(rows.getBytes(1), rows.getBytes(2), until == null ? null : until.toInstant());
            }
        }
    }
}
