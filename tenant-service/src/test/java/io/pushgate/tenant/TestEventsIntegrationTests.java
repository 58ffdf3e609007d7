package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.AxpSignature;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/configurations/{id}/test-events}: an event made and signed exactly as AXP makes it,
 * with the configuration's current secret, which never leaves tenant-service.
 */
@ControlPlaneTest
class TestEventsIntegrationTests {

    private static final String EVENT_DATE = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @LocalServerPort
    int port;

    Api api;
    Api.Tenant tenant;

    @BeforeEach
    void client() {
        api = new Api(port);
        tenant = api.tenant();
    }

    @Test
    void signsANewTestSessionsEventAsAxpDoesWithTheCurrentSecret() {
        JsonNode configuration = create("axp-" + UUID.randomUUID());
        String secret = configuration.get("secret").asString();

        var response = api.post(tenant.token(), testEvents(configuration), Map.of());
        response.expectHeader().cacheControl(org.springframework.http.CacheControl.noStore());
        JsonNode signed = Api.json(response, 201);

        assertThat(signed.get("callbackUrl").asString())
                .isEqualTo(configuration.get("callbackUrl").asString());
        JsonNode body = Api.parse(signed.get("body").asString());
        String eventId = body.get("eventId").asString();
        String sessionId = body.get("sessionId").asString();
        assertThat(eventId)
                .startsWith("pushgate-test-")
                .isEqualTo(signed.get("eventId").asString());
        assertThat(sessionId)
                .startsWith("pushgate-test-")
                .isEqualTo(signed.get("sessionId").asString());
        assertThat(UUID.fromString(body.get("conversationId").asString())).isNotNull();
        assertThat(body.get("eventDate").asString()).matches(EVENT_DATE);
        assertThat(body.propertyNames()).containsExactly("eventId", "sessionId", "conversationId", "eventDate");
        assertThat(signed.get("signature").asString())
                .isEqualTo(AxpSignature.sign(secret, eventId, sessionId))
                .matches("[0-9a-f]{64}");
        assertThat(signed.toString()).doesNotContain(secret);

        JsonNode second = Api.json(api.post(tenant.token(), testEvents(configuration), Map.of()), 201);
        assertThat(second.get("eventId").asString()).as("a new event each time").isNotEqualTo(eventId);
        assertThat(second.get("sessionId").asString()).isNotEqualTo(sessionId);
    }

    @Test
    void usesTheSessionGivenAndNeedsNoBodyAtAll() {
        JsonNode configuration = create(null);
        String secret = configuration.get("secret").asString();

        JsonNode signed = Api.json(
                api.post(tenant.token(), testEvents(configuration), Map.of("sessionId", "session-of-my-phone")), 201);
        assertThat(signed.get("sessionId").asString()).isEqualTo("session-of-my-phone");
        assertThat(signed.get("signature").asString())
                .isEqualTo(AxpSignature.sign(secret, signed.get("eventId").asString(), "session-of-my-phone"));

        JsonNode withoutBody =
                Api.json(api.postEmpty(tenant.token(), testEvents(create("axp-" + UUID.randomUUID()))), 201);
        assertThat(withoutBody.get("sessionId").asString()).startsWith("pushgate-test-");
    }

    @Test
    void signsWithTheNewSecretAfterARotation() {
        JsonNode configuration = create("axp-" + UUID.randomUUID());
        String rotated = Api.json(
                        api.postEmpty(
                                tenant.token(),
                                "/v1/configurations/" + configuration.get("id").asString() + "/secret:rotate"),
                        200)
                .get("secret")
                .asString();

        JsonNode signed = Api.json(api.post(tenant.token(), testEvents(configuration), Map.of()), 201);
        assertThat(signed.get("signature").asString())
                .isEqualTo(AxpSignature.sign(
                        rotated,
                        signed.get("eventId").asString(),
                        signed.get("sessionId").asString()));
    }

    @Test
    void aDisabledConfigurationIsRefusedSayingSo() {
        JsonNode configuration = create("axp-" + UUID.randomUUID());
        Api.json(
                api.patch(
                        tenant.token(),
                        "/v1/configurations/" + configuration.get("id").asString(),
                        Map.of("enabled", false)),
                200);

        JsonNode problem = Api.json(api.post(tenant.token(), testEvents(configuration), Map.of()), 409);
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/configuration-disabled");
        assertThat(problem.get("detail").asString()).contains("enable it");
    }

    @Test
    void aNewTestSessionNeedsTheAxpConfigurationId() {
        JsonNode configuration = create(null);

        JsonNode problem = Api.json(api.post(tenant.token(), testEvents(configuration), Map.of()), 409);
        assertThat(problem.get("type").asString())
                .isEqualTo("https://pushgate.io/problems/axp-configuration-id-missing");
        assertThat(problem.get("detail").asString()).contains("AXP Configuration Id");
    }

    @Test
    void aSessionIdMustBeOneAxpCouldSend() {
        JsonNode configuration = create("axp-" + UUID.randomUUID());
        for (String bad : new String[] {"", "s".repeat(129)}) {
            JsonNode problem =
                    Api.json(api.post(tenant.token(), testEvents(configuration), Map.of("sessionId", bad)), 400);
            assertThat(problem.get("field").asString()).isEqualTo("sessionId");
        }
        Map<String, Object> notText = new HashMap<>();
        notText.put("sessionId", Map.of("nested", true));
        assertThat(Api.json(api.post(tenant.token(), testEvents(configuration), notText), 400)
                        .get("field")
                        .asString())
                .isEqualTo("sessionId");
    }

    @Test
    void onlyOwnersAndAdminsOfTheTenantMaySign() {
        JsonNode configuration = create("axp-" + UUID.randomUUID());
        String viewerEmail = Api.uniqueEmail();
        Api.json(
                api.post(
                        tenant.token(),
                        "/v1/members",
                        Map.of("email", viewerEmail, "password", "viewer's long password", "role", "viewer")),
                201);
        String viewer = api.login(viewerEmail, "viewer's long password");

        assertThat(Api.json(api.post(viewer, testEvents(configuration), Map.of()), 403)
                        .get("type")
                        .asString())
                .isEqualTo("https://pushgate.io/problems/forbidden");
        assertThat(Api.json(api.post(null, testEvents(configuration), Map.of()), 401)
                        .get("type")
                        .asString())
                .isEqualTo("https://pushgate.io/problems/unauthenticated");
        Api.Tenant other = api.tenant();
        assertThat(Api.json(api.post(other.token(), testEvents(configuration), Map.of()), 404)
                        .get("type")
                        .asString())
                .isEqualTo("https://pushgate.io/problems/not-found");
        Api.json(api.post(tenant.token(), "/v1/configurations/not-an-id/test-events", Map.of()), 404);
    }

    @Test
    void eachTestEventIsAudited() {
        JsonNode configuration = create("axp-" + UUID.randomUUID());
        Api.json(api.post(tenant.token(), testEvents(configuration), Map.of()), 201);

        JsonNode events = Api.json(api.get(tenant.token(), "/v1/audit-events"), 200);
        JsonNode newest = events.get("items").get(0);
        assertThat(newest.get("action").asString()).isEqualTo("configuration.test-event");
        assertThat(newest.get("target").asString())
                .isEqualTo("configuration:" + configuration.get("id").asString());
        assertThat(newest.get("actor").asString()).isEqualTo("member:" + tenant.memberId());
    }

    private JsonNode create(String axpConfigurationId) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "Test events");
        if (axpConfigurationId != null) {
            body.put("axpConfigurationId", axpConfigurationId);
        }
        return Api.json(api.post(tenant.token(), "/v1/configurations", body), 201);
    }

    private static String testEvents(JsonNode configuration) {
        return "/v1/configurations/" + configuration.get("id").asString() + "/test-events";
    }
}
