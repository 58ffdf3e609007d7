package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The "done when" flow, in one go, as a script with curl would run it: sign up, log in,
 * create a configuration, set its AXP Configuration Id, rotate its secret, add a sandbox and an FCM
 * credential, create an app client, get a client_credentials token, list the audit log.
 */
@ControlPlaneTest
class ControlPlaneFlowIntegrationTests {

    @Autowired
    Api api;

    @Test
    void aNewTenantOnboardsEverythingThroughTheApi() {
        String email = Api.uniqueEmail();
        String password = "a long enough passphrase";

        JsonNode signedUp =
                api.created(null, "/v1/signup", Map.of("tenantName", "Acme", "email", email, "password", password));
        assertThat(signedUp.get("tenantId").asString()).isNotBlank();
        assertThat(signedUp.get("memberId").asString()).isNotBlank();

        JsonNode login = Api.json(api.post(null, "/v1/auth/login", Map.of("email", email, "password", password)), 200);
        assertThat(login.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(login.get("expires_in").asLong()).isBetween(1L, 900L);
        String token = login.get("access_token").asString();

        JsonNode created = api.created(token, "/v1/configurations", Map.of("name", "Mobile app"));
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

        JsonNode sandbox = api.created(token, "/v1/credentials", Map.of("type", "sandbox", "name", "Sandbox"));
        assertThat(sandbox.get("type").asString()).isEqualTo("sandbox");
        JsonNode fcm = api.created(
                token,
                "/v1/credentials",
                Map.of(
                        "type",
                        "fcm",
                        "name",
                        "Android app",
                        "serviceAccountJson",
                        TestCredentials.serviceAccountJson()));
        assertThat(fcm.get("metadata").get("projectId").asString()).isEqualTo("pushgate-test");
        assertThat(fcm.get("fingerprint").asString()).startsWith("sha256:");

        JsonNode client = api.appClient(token, "Android app");
        String clientId = client.get("clientId").asString();
        String clientSecret = client.get("clientSecret").asString();

        JsonNode clientToken = Api.json(api.clientCredentials(client), 200);
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
