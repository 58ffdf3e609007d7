package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Tenant A's token against every one of tenant B's resources and actions: 404 exactly like an id
 * that does not exist, never B's data, and B's resources unchanged afterwards.
 */
@ControlPlaneTest
class TenantIsolationIntegrationTests {

    @Autowired
    Api api;

    @Test
    void anotherTenantsIdsAnswer404LikeIdsThatDoNotExist() {
        Api.Tenant a = api.tenant();
        Api.Tenant b = api.tenant();
        String configuration = api.configuration(b.token(), "B's app");
        String credential = api.sandboxCredential(b.token(), "B's sandbox");
        String clientId = api.appClient(b.token(), "B's client").get("clientId").asString();
        String issuer = api.trustedIssuer(
                b.token(), "https://b.example.test/" + b.tenantId(), "https://b.example.test/jwks", "b");
        String member = api.member(b.token(), Api.uniqueEmail(), "b's member password", "viewer");

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
        String own = api.configuration(a.token(), "A's app");
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

    /**
     * Within one tenant, the roles' limits: a viewer's token and an app client's token change
     * nothing (403 forbidden, every change action); an admin changes everything but the members.
     */
    @Test
    void aViewerOrAnAppClientChangesNothingAndAnAdminNoMember() {
        Api.Tenant owner = api.tenant();
        String configuration = api.configuration(owner.token(), "App");
        String credential = api.sandboxCredential(owner.token(), "Sandbox");
        JsonNode client = api.appClient(owner.token(), "App");
        String clientId = client.get("clientId").asString();
        String issuer = api.trustedIssuer(
                owner.token(),
                "https://roles.example.test/" + owner.tenantId(),
                "https://roles.example.test/jwks",
                "app");
        String viewerEmail = Api.uniqueEmail();
        String member = api.member(owner.token(), viewerEmail, "the viewer's password", "viewer");
        String viewer = api.login(viewerEmail, "the viewer's password");
        String appClient =
                Api.json(api.clientCredentials(client), 200).get("access_token").asString();

        String c = "/v1/configurations/" + configuration;
        List<Function<String, WebTestClient.ResponseSpec>> members = List.of(
                token -> api.post(
                        token,
                        "/v1/members",
                        Map.of("email", Api.uniqueEmail(), "password", "another long password", "role", "owner")),
                token -> api.patch(token, "/v1/members/" + member, Map.of("role", "owner")),
                token -> api.delete(token, "/v1/members/" + member));
        List<Function<String, WebTestClient.ResponseSpec>> changes = new java.util.ArrayList<>(List.of(
                token -> api.post(token, "/v1/configurations", Map.of("name", "taken over")),
                token -> api.patch(token, c, Map.of("name", "taken over")),
                token -> api.postEmpty(token, c + "/secret:rotate"),
                token -> api.postEmpty(token, c + "/secret:expire-previous"),
                token -> api.postEmpty(token, c + "/callback-key:rotate"),
                token -> api.delete(token, c),
                token -> api.post(token, "/v1/credentials", Map.of("type", "sandbox", "name", "taken")),
                token -> api.put(token, "/v1/credentials/" + credential, Map.of("type", "sandbox", "name", "taken")),
                token -> api.delete(token, "/v1/credentials/" + credential),
                token -> api.post(token, "/v1/app-clients", Map.of("name", "taken")),
                token -> api.delete(token, "/v1/app-clients/" + clientId),
                token -> api.post(
                        token,
                        "/v1/trusted-issuers",
                        Map.of(
                                "issuer", "https://taken.example.test/" + owner.tenantId(),
                                "jwksUri", "https://taken.example.test/jwks",
                                "audience", "app")),
                token -> api.delete(token, "/v1/trusted-issuers/" + issuer)));
        changes.addAll(members);
        String before = Api.text(api.get(owner.token(), "/v1/audit-events"), 200);

        for (String token : List.of(viewer, appClient)) {
            for (var change : changes) {
                JsonNode problem = Api.json(change.apply(token), 403);
                assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/forbidden");
            }
        }
        api.patch(owner.token(), "/v1/members/" + member, Map.of("role", "admin"))
                .expectStatus()
                .isOk();
        String admin = api.login(viewerEmail, "the viewer's password");
        for (var change : members) {
            Api.json(change.apply(admin), 403);
        }

        // nothing changed: the audit log has only the owner's role change and the admin's sign-in since
        JsonNode after = Api.json(api.get(owner.token(), "/v1/audit-events"), 200);
        assertThat(after.get("items").get(0).get("action").asString()).isEqualTo("auth.login");
        assertThat(after.get("items").get(1).get("action").asString()).isEqualTo("member.role.admin");
        assertThat(after.get("items").get(2).toString())
                .isEqualTo(Api.parse(before).get("items").get(0).toString());
        assertThat(Api.json(api.get(owner.token(), c), 200).get("name").asString())
                .isEqualTo("App");
        assertThat(Api.json(api.get(owner.token(), "/v1/members"), 200).get("items"))
                .hasSize(2);
    }
}
