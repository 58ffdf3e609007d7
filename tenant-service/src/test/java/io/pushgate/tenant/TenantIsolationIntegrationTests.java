package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Tenant A's token against every one of tenant B's resources and actions: 404 exactly like an id
 * that does not exist, never B's data, and B's resources unchanged afterwards.
 */
@ControlPlaneTest
class TenantIsolationIntegrationTests {

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @Test
    void anotherTenantsIdsAnswer404LikeIdsThatDoNotExist() {
        Api.Tenant a = api.tenant();
        Api.Tenant b = api.tenant();
        String configuration = Api.json(api.post(b.token(), "/v1/configurations", Map.of("name", "B's app")), 201)
                .get("id")
                .asString();
        String credential = Api.json(
                        api.post(b.token(), "/v1/credentials", Map.of("type", "sandbox", "name", "B's sandbox")), 201)
                .get("id")
                .asString();
        String clientId = Api.json(api.post(b.token(), "/v1/app-clients", Map.of("name", "B's client")), 201)
                .get("clientId")
                .asString();
        String issuer = Api.json(
                        api.post(
                                b.token(),
                                "/v1/trusted-issuers",
                                Map.of(
                                        "issuer", "https://b.example.test/" + b.tenantId(),
                                        "jwksUri", "https://b.example.test/jwks",
                                        "audience", "b")),
                        201)
                .get("id")
                .asString();
        String member = Api.json(
                        api.post(
                                b.token(),
                                "/v1/members",
                                Map.of(
                                        "email",
                                        Api.uniqueEmail(),
                                        "password",
                                        "b's member password",
                                        "role",
                                        "viewer")),
                        201)
                .get("id")
                .asString();

        String c = "/v1/configurations/" + configuration;
        List<Function<String, WebTestClient.ResponseSpec>> actions = List.of(
                token -> api.get(token, c),
                token -> api.patch(token, c, Map.of("name", "taken over")),
                token -> api.postEmpty(token, c + "/secret:rotate"),
                token -> api.postEmpty(token, c + "/secret:expire-previous"),
                token -> api.postEmpty(token, c + "/callback-key:rotate"),
                token -> api.delete(token, c),
                token -> api.get(token, "/v1/credentials/" + credential),
                token -> api.put(token, "/v1/credentials/" + credential, Map.of("type", "sandbox", "name", "taken")),
                token -> api.delete(token, "/v1/credentials/" + credential),
                token -> api.delete(token, "/v1/app-clients/" + clientId),
                token -> api.delete(token, "/v1/trusted-issuers/" + issuer),
                token -> api.patch(token, "/v1/members/" + member, Map.of("role", "owner")),
                token -> api.delete(token, "/v1/members/" + member));
        for (var action : actions) {
            String body = Api.text(action.apply(a.token()), 404);
            JsonNode problem = Api.parse(body);
            assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/not-found");
            assertThat(body).doesNotContain("B's", b.tenantId().toString());
        }

        // using B's credential as A's default is refused as "no such credential"
        String own = Api.json(api.post(a.token(), "/v1/configurations", Map.of("name", "A's app")), 201)
                .get("id")
                .asString();
        JsonNode problem = Api.json(
                api.patch(
                        a.token(),
                        "/v1/configurations/" + own,
                        Map.of("defaultCredentials", Map.of("android", credential))),
                400);
        assertThat(problem.get("detail").asString()).contains("no such credential");

        for (String list : List.of(
                "/v1/configurations",
                "/v1/credentials",
                "/v1/app-clients",
                "/v1/trusted-issuers",
                "/v1/members",
                "/v1/audit-events")) {
            String body = Api.text(api.get(a.token(), list), 200);
            assertThat(body).doesNotContain(configuration, credential, clientId, issuer, member, "B's");
        }

        // B's resources are untouched
        JsonNode still = Api.json(api.get(b.token(), c), 200);
        assertThat(still.get("name").asString()).isEqualTo("B's app");
        api.get(b.token(), "/v1/credentials/" + credential).expectStatus().isOk();
        assertThat(Api.text(api.get(b.token(), "/v1/app-clients"), 200)).contains(clientId);
        assertThat(Api.text(api.get(b.token(), "/v1/trusted-issuers"), 200)).contains(issuer);
        assertThat(Api.text(api.get(b.token(), "/v1/members"), 200)).contains(member);
    }
}
