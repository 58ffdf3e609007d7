package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/**
 * The "done when" flow, in one go, as a script with curl would run it: sign up, log in,
 * create a configuration, set its AXP Configuration Id, rotate its secret, add a sandbox and an FCM
 * credential, create an app client, get a client_credentials token, list the audit log.
 */
@ControlPlaneTest
class ControlPlaneFlowIntegrationTests {

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @Test
    void aNewTenantOnboardsEverythingThroughTheApi() {
        String email = Api.uniqueEmail();
        String password = "a long enough passphrase";

        JsonNode signedUp = Api.json(
                api.post(null, "/v1/signup", Map.of("tenantName", "Acme", "email", email, "password", password)), 201);
        assertThat(signedUp.get("tenantId").asString()).isNotBlank();
        assertThat(signedUp.get("memberId").asString()).isNotBlank();

        JsonNode login = Api.json(api.post(null, "/v1/auth/login", Map.of("email", email, "password", password)), 200);
        assertThat(login.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(login.get("expires_in").asLong()).isBetween(1L, 900L);
        String token = login.get("access_token").asString();

        JsonNode created = Api.json(api.post(token, "/v1/configurations", Map.of("name", "Mobile app")), 201);
        String configurationId = created.get("id").asString();
        String firstSecret = created.get("secret").asString();
        assertThat(Base64.getUrlDecoder().decode(firstSecret)).hasSize(32);
        assertThat(created.get("callbackUrl").asString()).startsWith("https://push.example.test/axp/callbacks/");
        assertThat(created.get("enabled").asBoolean()).isTrue();
        assertThat(created.get("deliveryWindow").asString()).isEqualTo("PT10M");

        String axpId = "axp-" + configurationId;
        JsonNode patched = Api.json(
                api.patch(token, "/v1/configurations/" + configurationId, Map.of("axpConfigurationId", axpId)), 200);
        assertThat(patched.get("axpConfigurationId").asString()).isEqualTo(axpId);
        assertThat(patched.has("secret")).isFalse();

        JsonNode rotated =
                Api.json(api.postEmpty(token, "/v1/configurations/" + configurationId + "/secret:rotate"), 200);
        assertThat(rotated.get("secret").asString()).isNotEqualTo(firstSecret);
        assertThat(rotated.get("previousSecretValidUntil").asString()).isNotBlank();

        JsonNode sandbox =
                Api.json(api.post(token, "/v1/credentials", Map.of("type", "sandbox", "name", "Sandbox")), 201);
        assertThat(sandbox.get("type").asString()).isEqualTo("sandbox");
        JsonNode fcm = Api.json(
                api.post(
                        token,
                        "/v1/credentials",
                        Map.of(
                                "type",
                                "fcm",
                                "name",
                                "Android app",
                                "serviceAccountJson",
                                TestCredentials.serviceAccountJson())),
                201);
        assertThat(fcm.get("metadata").get("projectId").asString()).isEqualTo("pushgate-test");
        assertThat(fcm.get("fingerprint").asString()).startsWith("sha256:");

        JsonNode client = Api.json(api.post(token, "/v1/app-clients", Map.of("name", "Android app")), 201);
        String clientId = client.get("clientId").asString();
        String clientSecret = client.get("clientSecret").asString();

        JsonNode clientToken = Api.json(
                api.http
                        .post()
                        .uri("/oauth2/token")
                        .headers(headers -> headers.setBasicAuth(clientId, clientSecret, StandardCharsets.UTF_8))
                        .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                        .bodyValue("grant_type=client_credentials")
                        .exchange(),
                200);
        assertThat(clientToken.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(clientToken.get("scope").asString()).isEqualTo("registrations");
        assertThat(clientToken.get("access_token").asString()).isNotBlank();

        JsonNode audit = Api.json(api.get(token, "/v1/audit-events"), 200);
        List<String> actions = new ArrayList<>();
        audit.get("items").forEach(event -> actions.add(event.get("action").asString()));
        assertThat(actions)
                .containsExactly(
                        "oauth2.token",
                        "app-client.create",
                        "credential.create",
                        "credential.create",
                        "configuration.secret.rotate",
                        "configuration.update",
                        "configuration.create",
                        "auth.login",
                        "tenant.signup");
        assertThat(audit.toString())
                .doesNotContain(firstSecret, rotated.get("secret").asString(), clientSecret);
    }
}
