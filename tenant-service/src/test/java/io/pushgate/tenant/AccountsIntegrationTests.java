package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.testkit.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/** Sign-up, sign-in, members and roles. */
@ControlPlaneTest
class AccountsIntegrationTests {

    @Autowired
    Api api;

    @Test
    void signUpStoresAnArgon2idHashWithOwaspParameters() throws SQLException {
        Api.Tenant tenant = api.tenant();
        try (var connection = TestDatabase.get().connect();
                var statement = connection.prepareStatement(
                        "SELECT password_hash, role FROM tenancy.member WHERE id = ?::uuid")) {
            statement.setString(1, tenant.memberId().toString());
            try (var rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
                assertThat(rows.getString(1)).doesNotContain(tenant.password());
                assertThat(rows.getString(2)).isEqualTo("owner");
            }
        }
    }

    @Test
    void signUpNamesTheFieldThatIsMissingOrInvalid() {
        String email = Api.uniqueEmail();
        assertInvalid(Map.of("email", email, "password", "long enough password"), "tenantName");
        assertInvalid(Map.of("tenantName", "T", "email", "not-an-email", "password", "long enough password"), "email");
        assertInvalid(Map.of("tenantName", "T", "email", email, "password", "short"), "password");
        assertInvalid(Map.of("tenantName", "T", "email", email), "password");
        String longEmail = "someone.with.a.long.name@example.test";
        assertInvalid(Map.of("tenantName", "T", "email", longEmail, "password", longEmail), "password");
    }

    @Test
    void aDuplicateEmailIsRefusedWithoutSayingWhoHasIt() {
        Api.Tenant tenant = api.tenant();
        JsonNode problem = Api.json(
                api.post(
                        null,
                        "/v1/signup",
                        Map.of(
                                "tenantName",
                                "Other",
                                "email",
                                tenant.email().toUpperCase(),
                                "password",
                                "another long password")),
                409);
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/email-taken");
        assertThat(problem.toString()).doesNotContain(tenant.tenantId().toString(), "Tenant ");
    }

    @Test
    void anUnknownEmailAndAWrongPasswordGetTheSameAnswer() {
        Api.Tenant tenant = api.tenant();
        var wrongPassword =
                api.post(null, "/v1/auth/login", Map.of("email", tenant.email(), "password", "not the password"));
        var unknownEmail =
                api.post(null, "/v1/auth/login", Map.of("email", Api.uniqueEmail(), "password", "not the password"));
        wrongPassword.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        JsonNode first = Api.json(wrongPassword, 401);
        JsonNode second = Api.json(unknownEmail, 401);
        assertThat(first.get("type").asString()).isEqualTo("https://pushgate.io/problems/sign-in-failed");
        assertThat(second.get("type")).isEqualTo(first.get("type"));
        assertThat(second.get("title")).isEqualTo(first.get("title"));
        assertThat(second.get("detail")).isEqualTo(first.get("detail"));
    }

    /** Guesses sent all at once are counted as they arrive, not when their slow password checks end. */
    @Test
    void concurrentGuessesForOneAccountAreThrottledToo() {
        Api.Tenant tenant = api.tenant();
        List<CompletableFuture<HttpResponse<Void>>> guesses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            guesses.add(HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .build()
                    .sendAsync(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/auth/login"))
                                    .timeout(Duration.ofSeconds(60))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + tenant.email()
                                            + "\",\"password\":\"wrong guess " + i + "\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding()));
        }
        List<Integer> statuses = guesses.stream()
                .map(CompletableFuture::join)
                .map(HttpResponse::statusCode)
                .toList();
        assertThat(statuses).hasSize(20).containsOnly(401, 429);
        assertThat(statuses.stream().filter(status -> status == 401))
                .as("guesses let through with the default limit of 5 per account")
                .hasSize(5);
    }

    @Test
    void signInWithoutAPasswordNamesTheField() {
        JsonNode problem = Api.json(api.post(null, "/v1/auth/login", Map.of("email", Api.uniqueEmail())), 400);
        assertThat(problem.get("field").asString()).isEqualTo("password");
    }

    @Test
    void malformedJsonIsA400Problem() {
        api.http
                .post()
                .uri("/v1/signup")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{not json")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void theApiNeedsAValidBearerToken() {
        api.get(null, "/v1/configurations")
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("https://pushgate.io/problems/unauthenticated");
        api.get("not.a.token", "/v1/configurations").expectStatus().isUnauthorized();
        String token = api.tenant().token();
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        api.get(tampered, "/v1/configurations").expectStatus().isUnauthorized();
    }

    @Test
    void ownersManageMembersAndViewersChangeNothing() {
        Api.Tenant owner = api.tenant();
        String viewerEmail = Api.uniqueEmail();
        JsonNode viewer = api.created(
                owner.token(),
                "/v1/members",
                Map.of("email", viewerEmail, "password", "viewer's long password", "role", "viewer"));
        assertThat(viewer.get("role").asString()).isEqualTo("viewer");
        assertThat(viewer.has("password")).isFalse();
        String viewerToken = api.login(viewerEmail, "viewer's long password");

        api.get(viewerToken, "/v1/configurations").expectStatus().isOk();
        api.get(viewerToken, "/v1/members").expectStatus().isOk();
        JsonNode forbidden = Api.json(api.post(viewerToken, "/v1/configurations", Map.of("name", "x")), 403);
        assertThat(forbidden.get("type").asString()).isEqualTo("https://pushgate.io/problems/forbidden");
        api.post(viewerToken, "/v1/credentials", Map.of("type", "sandbox", "name", "x"))
                .expectStatus()
                .isForbidden();
        api.post(viewerToken, "/v1/app-clients", Map.of("name", "x"))
                .expectStatus()
                .isForbidden();
        api.post(
                        viewerToken,
                        "/v1/members",
                        Map.of("email", Api.uniqueEmail(), "password", "long enough pass", "role", "owner"))
                .expectStatus()
                .isForbidden();
        api.delete(viewerToken, "/v1/members/" + owner.memberId())
                .expectStatus()
                .isForbidden();

        JsonNode admin = Api.json(
                api.patch(owner.token(), "/v1/members/" + viewer.get("id").asString(), Map.of("role", "admin")), 200);
        assertThat(admin.get("role").asString()).isEqualTo("admin");
        String adminToken = api.login(viewerEmail, "viewer's long password");
        api.post(adminToken, "/v1/configurations", Map.of("name", "by admin"))
                .expectStatus()
                .isCreated();
        api.patch(adminToken, "/v1/members/" + owner.memberId(), Map.of("role", "viewer"))
                .expectStatus()
                .isForbidden();

        JsonNode members = Api.json(api.get(owner.token(), "/v1/members"), 200);
        assertThat(members.get("items")).hasSize(2);
        assertThat(members.get("nextCursor").isNull()).isTrue();
    }

    @Test
    void theLastOwnerCannotBeRemovedOrDemoted() {
        Api.Tenant owner = api.tenant();
        String self = "/v1/members/" + owner.memberId();
        JsonNode problem = Api.json(api.delete(owner.token(), self), 409);
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/last-owner");
        api.patch(owner.token(), self, Map.of("role", "admin")).expectStatus().isEqualTo(409);

        String secondEmail = Api.uniqueEmail();
        api.post(
                        owner.token(),
                        "/v1/members",
                        Map.of("email", secondEmail, "password", "second owner password", "role", "owner"))
                .expectStatus()
                .isCreated();
        api.delete(owner.token(), self).expectStatus().isNoContent();
        api.post(null, "/v1/auth/login", Map.of("email", owner.email(), "password", owner.password()))
                .expectStatus()
                .isUnauthorized();
    }

    @Test
    void memberChangesNameTheirFieldsAndUnknownMembersAre404() {
        Api.Tenant owner = api.tenant();
        JsonNode problem = Api.json(
                api.post(
                        owner.token(),
                        "/v1/members",
                        Map.of("email", Api.uniqueEmail(), "password", "long enough pass", "role", "king")),
                400);
        assertThat(problem.get("field").asString()).isEqualTo("role");
        api.patch(owner.token(), "/v1/members/" + java.util.UUID.randomUUID(), Map.of("role", "admin"))
                .expectStatus()
                .isNotFound();
        api.delete(owner.token(), "/v1/members/not-an-id").expectStatus().isNotFound();
        api.post(
                        owner.token(),
                        "/v1/members",
                        Map.of("email", owner.email(), "password", "long enough pass", "role", "viewer"))
                .expectStatus()
                .isEqualTo(409);
    }

    private void assertInvalid(Map<String, ?> body, String field) {
        JsonNode problem = Api.json(api.post(null, "/v1/signup", body), 400);
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/invalid-field");
        assertThat(problem.get("field").asString()).isEqualTo(field);
    }
}
