package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Every change and every sign-in is in the tenant's audit log (who, what, target, when, source
 * address, outcome), newest first and paged by cursor.
 */
@ControlPlaneTest
class AuditLogIntegrationTests {

    @Autowired
    Api api;

    @Test
    void everyChangeAndEverySignInIsRecordedNewestFirst() {
        Api.Tenant tenant = api.tenant();
        String token = tenant.token();
        api.post(null, "/v1/auth/login", Map.of("email", tenant.email(), "password", "not the password"))
                .expectStatus()
                .isUnauthorized();

        String configuration = api.configuration(token, "App");
        String c = "/v1/configurations/" + configuration;
        api.patch(token, c, Map.of("name", "Renamed")).expectStatus().isOk();
        api.postEmpty(token, c + "/secret:rotate").expectStatus().isOk();
        api.postEmpty(token, c + "/secret:expire-previous").expectStatus().isNoContent();
        api.postEmpty(token, c + "/callback-key:rotate").expectStatus().isOk();
        api.delete(token, c).expectStatus().isNoContent();

        String credential = api.sandboxCredential(token, "Sandbox");
        api.put(token, "/v1/credentials/" + credential, Map.of("type", "sandbox", "name", "Sandbox 2"))
                .expectStatus()
                .isOk();
        api.delete(token, "/v1/credentials/" + credential).expectStatus().isNoContent();

        JsonNode client = api.appClient(token, "App");
        String clientId = client.get("clientId").asString();
        api.clientCredentials(client).expectStatus().isOk();
        api.delete(token, "/v1/app-clients/" + clientId).expectStatus().isNoContent();

        String issuer = api.trustedIssuer(
                token, "https://login.example.test/" + UUID.randomUUID(), "https://login.example.test/jwks", "app");
        api.delete(token, "/v1/trusted-issuers/" + issuer).expectStatus().isNoContent();

        String member = api.member(token, Api.uniqueEmail(), "a member's password", "viewer");
        api.patch(token, "/v1/members/" + member, Map.of("role", "admin"))
                .expectStatus()
                .isOk();
        api.delete(token, "/v1/members/" + member).expectStatus().isNoContent();

        List<JsonNode> events = all(token, 4);
        List<String> actions = new ArrayList<>();
        events.forEach(event -> actions.add(event.get("action").asString()));
        assertThat(actions)
                .containsExactly(
                        "member.remove",
                        "member.role.admin",
                        "member.add",
                        "trusted-issuer.delete",
                        "trusted-issuer.create",
                        "app-client.delete",
                        "oauth2.token",
                        "app-client.create",
                        "credential.delete",
                        "credential.replace",
                        "credential.create",
                        "configuration.delete",
                        "configuration.callback-key.rotate",
                        "configuration.secret.expire-previous",
                        "configuration.secret.rotate",
                        "configuration.update",
                        "configuration.create",
                        "auth.login",
                        "auth.login",
                        "tenant.signup");

        String owner = "member:" + tenant.memberId();
        for (JsonNode event : events) {
            assertThat(event.get("sourceIp").asString()).as(event.toString()).isEqualTo("127.0.0.1");
            assertThat(Instant.parse(event.get("occurredAt").asString())).isBeforeOrEqualTo(Instant.now());
            assertThat(event.get("target").isNull()).as(event.toString()).isFalse();
        }
        assertThat(events.get(0).get("actor").asString()).isEqualTo(owner);
        assertThat(events.get(0).get("target").asString()).isEqualTo("member:" + member);
        assertThat(events.get(6).get("actor").asString()).isEqualTo("app-client:" + clientId);
        assertThat(events.get(12).get("target").asString()).isEqualTo("configuration:" + configuration);
        JsonNode failedSignIn = events.get(17);
        assertThat(failedSignIn.get("outcome").asString()).isEqualTo("failure");
        assertThat(failedSignIn.get("actor").asString()).isEqualTo(owner);
        assertThat(events.get(18).get("outcome").asString()).isEqualTo("success");
        assertThat(events.stream()
                        .filter(event -> event.get("outcome").asString().equals("success")))
                .hasSize(events.size() - 1);
    }

    /** Every event of the log, page after page of {@code limit}; the pages neither overlap nor skip. */
    private List<JsonNode> all(String token, int limit) {
        List<JsonNode> events = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = Api.json(
                    api.get(token, "/v1/audit-events?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor)),
                    200);
            assertThat(page.get("items").size()).isLessThanOrEqualTo(limit);
            page.get("items").forEach(events::add);
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asString();
            pages++;
        } while (cursor != null);
        assertThat(pages).as("the log came in pages").isGreaterThan(1);
        List<Long> ids = events.stream().map(event -> event.get("id").asLong()).toList();
        assertThat(ids).as("newest first, each once").isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(ids).doesNotHaveDuplicates();
        return events;
    }
}
