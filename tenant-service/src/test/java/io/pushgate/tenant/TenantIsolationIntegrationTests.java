package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
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
    void anotherTenantsIdsAnswer404LikeIdsThatDoNotExist() throws SQLException {
        Api.Tenant a = api.tenant();
        Api.Tenant b = api.tenant();
        String configuration = api.configuration(b.token(), "B's app");
        String credential = api.sandboxCredential(b.token(), "B's sandbox");
        String clientId = api.appClient(b.token(), "B's client").get("clientId").asString();
        String issuer = api.trustedIssuer(
                b.token(), "https://b.example.test/" + b.tenantId(), "https://b.example.test/jwks", "b");
        String member = api.member(b.token(), Api.uniqueEmail(), "b's member password", "viewer");

        // every action on one of B's resources, with {id} standing for the resource's id
        List<Attempt> attempts = List.of(
                new Attempt("GET", "/v1/configurations/{id}", configuration, null),
                new Attempt("PATCH", "/v1/configurations/{id}", configuration, Map.of("name", "taken over")),
                new Attempt("POST", "/v1/configurations/{id}/secret:rotate", configuration, null),
                new Attempt("POST", "/v1/configurations/{id}/secret:expire-previous", configuration, null),
                new Attempt("POST", "/v1/configurations/{id}/callback-key:rotate", configuration, null),
                new Attempt("DELETE", "/v1/configurations/{id}", configuration, null),
                new Attempt("GET", "/v1/credentials/{id}", credential, null),
                new Attempt("PUT", "/v1/credentials/{id}", credential, Map.of("type", "sandbox", "name", "taken")),
                new Attempt("DELETE", "/v1/credentials/{id}", credential, null),
                new Attempt("DELETE", "/v1/app-clients/{id}", clientId, null),
                new Attempt("DELETE", "/v1/trusted-issuers/{id}", issuer, null),
                new Attempt("PATCH", "/v1/members/{id}", member, Map.of("role", "owner")),
                new Attempt("DELETE", "/v1/members/{id}", member, null));
        Map<String, List<String>> before = readableState(b.tenantId());

        for (Attempt attempt : attempts) {
            String body = Api.text(attempt.send(api, a.token(), attempt.id()), 404);
            JsonNode problem = Api.parse(body);
            assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/not-found");
            assertThat(body).doesNotContain("B's", b.tenantId().toString());
            // byte for byte what an id that exists nowhere answers (but for the id itself)
            String nowhere = attempt.id().startsWith("pgc_")
                    ? "pgc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 22)
                    : UUID.randomUUID().toString();
            String unknown = Api.text(attempt.send(api, a.token(), nowhere), 404);
            assertThat(body.replace(attempt.id(), "{id}"))
                    .as(attempt.method() + " " + attempt.path())
                    .isEqualTo(unknown.replace(nowhere, "{id}"));
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

        // all of B's state is as it was: every row of every table of B's, secrets, keys and hashes included
        assertThat(readableState(b.tenantId())).isEqualTo(before);
        assertThat(before.get("configuration")).hasSize(1);
        assertThat(before.get("member")).hasSize(2);
    }

    /** One request on a resource of another tenant: {@code {id}} in {@code path} is the resource's id. */
    private record Attempt(String method, String path, String id, Map<String, String> body) {

        WebTestClient.ResponseSpec send(Api api, String token, String id) {
            String uri = path.replace("{id}", id);
            return switch (method) {
                case "GET" -> api.get(token, uri);
                case "DELETE" -> api.delete(token, uri);
                case "PATCH" -> api.patch(token, uri, body);
                case "PUT" -> api.put(token, uri, body);
                default -> body == null ? api.postEmpty(token, uri) : api.post(token, uri, body);
            };
        }
    }

    /**
     * Everything of {@code tenantId}'s in the control plane's tables, each row as a hash of all its
     * columns (sealed secrets, key material, password and secret hashes, roles, times): a change to
     * any of it changes the snapshot.
     */
    private static Map<String, List<String>> readableState(UUID tenantId) throws SQLException {
        Map<String, List<String>> state = new TreeMap<>();
        try (Connection connection = TestDatabase.get().connect()) {
            List<String> tables = new ArrayList<>();
            try (var columns = connection.prepareStatement("""
                            SELECT table_name FROM information_schema.columns
                             WHERE table_schema = 'tenancy' AND column_name = 'tenant_id' ORDER BY table_name""");
                    var rows = columns.executeQuery()) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            tables.add("tenant");
            assertThat(tables).contains("configuration", "credential", "app_client", "trusted_issuer", "member");
            for (String table : tables) {
                String key = table.equals("tenant") ? "id" : "tenant_id";
                try (var select = connection.prepareStatement("SELECT md5(row_to_json(t)::text) FROM tenancy." + table
                        + " t WHERE t." + key + " = ? ORDER BY 1"); ) {
                    select.setObject(1, tenantId);
                    List<String> hashes = new ArrayList<>();
                    try (var rows = select.executeQuery()) {
                        while (rows.next()) {
                            hashes.add(rows.getString(1));
                        }
                    }
                    state.put(table, hashes);
                }
            }
        }
        return state;
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
