package io.pushgate.tenant.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.tenant.Api;
import io.pushgate.tenant.ControlPlaneTest;
import io.pushgate.tenant.ManualClock;
import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.identity.RefreshTokens.Refusal;
import io.pushgate.tenant.identity.RefreshTokens.Refused;
import io.pushgate.tenant.identity.RefreshTokens.Rotated;
import io.pushgate.tenant.identity.RefreshTokens.Rotation;
import io.pushgate.tenant.token.TokenSettings;
import io.pushgate.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import tools.jackson.databind.JsonNode;

/**
 * Members' refresh tokens: the sign-in answers one, each refresh spends it for a new pair, a spent
 * one presented again revokes its whole family, sign-out revokes it, and the idle timeout and the
 * absolute lifetime end it (on a clock the test moves). Only the token's SHA-256 is stored.
 */
@ControlPlaneTest
class RefreshTokensIntegrationTests {

    private static final String INVALID = "https://pushgate.io/problems/refresh-token-invalid";

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    @Autowired
    TransactionalOperator tx;

    @Autowired
    AuditLog audit;

    @Test
    void aRefreshAnswersANewAccessTokenAndANewRefreshToken() {
        Api.Tenant tenant = api.tenant();
        JsonNode signedIn = login(tenant);
        String first = signedIn.get("refresh_token").asString();
        assertThat(first).hasSize(43);

        JsonNode refreshed = Api.json(refresh(first), 200);
        assertThat(refreshed.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(refreshed.get("expires_in").asLong()).isPositive();
        String second = refreshed.get("refresh_token").asString();
        assertThat(second).hasSize(43).isNotEqualTo(first);
        String access = refreshed.get("access_token").asString();
        assertThat(access).isNotEqualTo(signedIn.get("access_token").asString());
        api.get(access, "/v1/configurations").expectStatus().isOk();

        JsonNode again = Api.json(refresh(second), 200);
        assertThat(again.get("refresh_token").asString()).isNotIn(first, second);
    }

    @Test
    void aSpentRefreshTokenIsRefusedAndRevokesItsWholeFamily() {
        Api.Tenant tenant = api.tenant();
        String first = login(tenant).get("refresh_token").asString();
        String otherSession = login(tenant).get("refresh_token").asString();
        String second = Api.json(refresh(first), 200).get("refresh_token").asString();

        refusedAsInvalid(refresh(first)); // the replay
        refusedAsInvalid(refresh(second)); // the newer token of the same sign-in stops too
        Api.json(refresh(otherSession), 200); // another sign-in is another family

        assertThat(actions(tenant)).contains("auth.refresh.replay");
    }

    @Test
    void signOutRevokesTheFamilyAndAnswers204ForAnyToken() {
        Api.Tenant tenant = api.tenant();
        String first = login(tenant).get("refresh_token").asString();
        String second = Api.json(refresh(first), 200).get("refresh_token").asString();

        logout(second).expectStatus().isNoContent();
        refusedAsInvalid(refresh(second));
        logout(second).expectStatus().isNoContent(); // again: nothing changes
        logout("an unknown token of the right length ........").expectStatus().isNoContent();

        assertThat(actions(tenant).stream().filter("auth.logout"::equals)).hasSize(1);
        assertThat(actions(tenant)).doesNotContain("auth.refresh.replay");
    }

    @Test
    void anUnknownRefreshTokenIsRefusedAsInvalid() {
        refusedAsInvalid(refresh(Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32])));
    }

    @Test
    void aRemovedMemberCannotRefresh() {
        Api.Tenant tenant = api.tenant();
        String email = Api.uniqueEmail();
        String member = api.member(tenant.token(), email, "a member's password", "admin");
        String token = Api.json(
                        api.post(null, "/v1/auth/login", Map.of("email", email, "password", "a member's password")),
                        200)
                .get("refresh_token")
                .asString();
        api.delete(tenant.token(), "/v1/members/" + member).expectStatus().isNoContent();
        refusedAsInvalid(refresh(token));
    }

    @Test
    void aRefreshedAccessTokenCarriesTheMembersCurrentRole() {
        Api.Tenant tenant = api.tenant();
        String email = Api.uniqueEmail();
        String member = api.member(tenant.token(), email, "a member's password", "admin");
        String token = Api.json(
                        api.post(null, "/v1/auth/login", Map.of("email", email, "password", "a member's password")),
                        200)
                .get("refresh_token")
                .asString();
        api.patch(tenant.token(), "/v1/members/" + member, Map.of("role", "viewer"))
                .expectStatus()
                .isOk();
        String access = Api.json(refresh(token), 200).get("access_token").asString();
        assertThat(claims(access).get("role").asString()).isEqualTo("viewer");
    }

    @Test
    void theDatabaseHoldsTheTokensSha256NotTheToken() throws SQLException {
        Api.Tenant tenant = api.tenant();
        String token = login(tenant).get("refresh_token").asString();
        List<byte[]> stored = new ArrayList<>();
        try (var connection = TestDatabase.get().connect();
                var statement = connection.prepareStatement("""
                        SELECT t.token_hash FROM tenancy.refresh_token t
                        JOIN tenancy.refresh_family f ON f.id = t.family_id
                        WHERE f.member_id = ?::uuid
                        """)) {
            statement.setString(1, tenant.memberId().toString());
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    stored.add(rows.getBytes(1));
                }
            }
        }
        // the tenant's owner signed in twice: api.tenant() and login() above
        assertThat(stored).hasSize(2).contains(RefreshTokens.sha256(token));
        assertThat(stored).noneMatch(value -> new String(value, StandardCharsets.ISO_8859_1).contains(token));
    }

    @Test
    void aMissingOrMalformedBodyIsA400Problem() {
        for (String path : List.of("/v1/auth/refresh", "/v1/auth/logout")) {
            assertThat(Api.json(raw(path, null), 400).get("type").asString())
                    .isEqualTo("https://pushgate.io/problems/malformed-request");
            assertThat(Api.json(raw(path, "{not json"), 400).get("type").asString())
                    .isEqualTo("https://pushgate.io/problems/malformed-request");
            assertThat(Api.json(raw(path, "[]"), 400).get("type").asString())
                    .isEqualTo("https://pushgate.io/problems/malformed-request");
            for (String body : List.of(
                    "{}", "{\"refresh_token\":\"\"}", "{\"refresh_token\":[\"x\"]}", "{\"refreshToken\":\"x\"}")) {
                JsonNode problem = Api.json(raw(path, body), 400);
                assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/invalid-field");
                assertThat(problem.get("field").asString()).as(body).isEqualTo("refresh_token");
            }
            JsonNode tooLong = Api.json(raw(path, "{\"refresh_token\":\"" + "x".repeat(300) + "\"}"), 400);
            assertThat(tooLong.get("field").asString()).isEqualTo("refresh_token");
        }
    }

    @Test
    void aTokenNotUsedForTheIdleTimeoutNoLongerRefreshes() {
        Api.Tenant tenant = api.tenant();
        ManualClock clock = new ManualClock(Instant.now());
        RefreshTokens tokens = tokens(clock);
        String first = tokens.start(tenant.tenantId(), tenant.memberId()).block();

        clock.now = clock.now.plus(Duration.ofMinutes(29));
        String second = rotated(tokens.refresh(first, null).block()).refreshToken();

        clock.now = clock.now.plus(Duration.ofMinutes(29)); // 58 minutes after the sign-in, 29 after the refresh
        String third = rotated(tokens.refresh(second, null).block()).refreshToken();

        clock.now = clock.now.plus(Duration.ofMinutes(30)); // exactly the idle timeout
        assertThat(tokens.refresh(third, null).block()).isEqualTo(new Refused(Refusal.EXPIRED));
    }

    @Test
    void noTokenOfASignInRefreshesAfterTheAbsoluteLifetime() {
        Api.Tenant tenant = api.tenant();
        ManualClock clock = new ManualClock(Instant.now());
        RefreshTokens tokens = tokens(clock);
        Instant signedIn = clock.now;
        String token = tokens.start(tenant.tenantId(), tenant.memberId()).block();
        while (clock.now.plus(Duration.ofMinutes(20)).isBefore(signedIn.plus(Duration.ofHours(12)))) {
            clock.now = clock.now.plus(Duration.ofMinutes(20));
            token = rotated(tokens.refresh(token, null).block()).refreshToken();
        }
        clock.now = signedIn.plus(Duration.ofHours(12)); // 20 minutes or less since the last refresh
        assertThat(tokens.refresh(token, null).block()).isEqualTo(new Refused(Refusal.EXPIRED));
    }

    private RefreshTokens tokens(ManualClock clock) {
        TokenSettings settings = new TokenSettings(
                "pushgate",
                Duration.ofMinutes(15),
                Duration.ofMinutes(15),
                Duration.ofDays(7),
                Duration.ofMinutes(30),
                Duration.ofHours(12),
                Duration.ofHours(1));
        return new RefreshTokens(db, tx, settings, audit, clock);
    }

    private static Rotated rotated(Rotation rotation) {
        assertThat(rotation).isInstanceOf(Rotated.class);
        return (Rotated) rotation;
    }

    private JsonNode login(Api.Tenant tenant) {
        return Api.json(
                api.post(null, "/v1/auth/login", Map.of("email", tenant.email(), "password", tenant.password())), 200);
    }

    private WebTestClient.ResponseSpec refresh(String token) {
        return api.post(null, "/v1/auth/refresh", Map.of("refresh_token", token));
    }

    private WebTestClient.ResponseSpec logout(String token) {
        return api.post(null, "/v1/auth/logout", Map.of("refresh_token", token));
    }

    private WebTestClient.ResponseSpec raw(String path, String body) {
        var request = api.http.post().uri(path).contentType(MediaType.APPLICATION_JSON);
        return body == null ? request.exchange() : request.bodyValue(body).exchange();
    }

    private static void refusedAsInvalid(WebTestClient.ResponseSpec response) {
        response.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(Api.json(response, 401).get("type").asString()).isEqualTo(INVALID);
    }

    private List<String> actions(Api.Tenant tenant) {
        List<String> actions = new ArrayList<>();
        Api.json(api.get(tenant.token(), "/v1/audit-events?limit=200"), 200)
                .get("items")
                .forEach(event -> actions.add(event.get("action").asString()));
        return actions;
    }

    private static JsonNode claims(String jwt) {
        return Api.parse(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }
}
