package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Scopes;
import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.testkit.TestIssuer;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The forged and stale tokens of issue 18's token suite on the registration API, for the kinds of
 * tokens it takes: each answers 401 {@code unauthenticated} problem+json with {@code
 * error="invalid_token"}, and nothing is stored for either tenant. Tenant A trusts issuer A, tenant B
 * trusts issuer B; every token is sent for A's configuration.
 *
 * <p>The cases {@link RegistrationAuthenticationIntegrationTests} has already are not repeated here:
 * for platform tokens alg none, HS256 with the public key, expired, not yet valid, without expiry,
 * another audience, an unknown issuer, a forged {@code kid}, a key the JWKS does not publish and a
 * tampered payload; for a trusted issuer's HS256 with the public key, another audience and expired.
 */
class TokenSuiteIntegrationTests extends RegistrationIntegrationSupport {

    static final TestIssuer ISSUER_A = TestIssuer.ec("https://idp-a.example.test/" + UUID.randomUUID());
    static final TestIssuer ISSUER_B = TestIssuer.ec("https://idp-b.example.test/" + UUID.randomUUID());

    /** What each case forges its token from. */
    record Fixture(Tenant a, String audienceA, Tenant b, String audienceB) {}

    private Fixture fixture;

    @AfterAll
    static void stopIssuers() {
        ISSUER_A.close();
        ISSUER_B.close();
    }

    @BeforeEach
    void tenants() throws SQLException {
        Tenant a = tenant();
        Tenant b = tenant();
        String audienceA = "app-a-" + UUID.randomUUID();
        String audienceB = "app-b-" + UUID.randomUUID();
        trust(a, ISSUER_A, audienceA);
        trust(b, ISSUER_B, audienceB);
        fixture = new Fixture(a, audienceA, b, audienceB);
    }

    static Stream<Arguments> forgedTokens() {
        return Stream.of(
                // trusted issuer tokens
                forged("trusted: alg none", f -> trusted(f).unsigned()),
                forged(
                        "trusted: not yet valid",
                        f -> trusted(f)
                                .notBefore(Instant.now().plusSeconds(300))
                                .sign()),
                forged(
                        "trusted: without expiry",
                        f -> trusted(f).withoutExpiry().sign()),
                forged(
                        "trusted: wrong issuer (one nobody trusts)",
                        f -> trusted(f)
                                .issuer("https://idp-c.example.test/" + UUID.randomUUID())
                                .sign()),
                forged(
                        "trusted: wrong issuer (tenant B's, with A's key)",
                        f -> trusted(f).issuer(ISSUER_B.issuer()).sign()),
                forged(
                        "trusted: unknown kid",
                        f -> trusted(f).keyId("forged-" + UUID.randomUUID()).sign()),
                forged(
                        "trusted: a key the JWKS does not publish",
                        f -> trusted(f).signWithUnpublishedKey()),
                forged("trusted: tampered payload", f -> trusted(f).tampered()),
                forged(
                        "trusted: key from another tenant's issuer (B's key, A's issuer and audience)",
                        f -> ISSUER_B.token()
                                .issuer(ISSUER_A.issuer())
                                .audience(f.audienceA())
                                .scope(Scopes.REGISTRATIONS)
                                .sign()),
                forged(
                        "trusted: another tenant's issuer with this tenant's audience",
                        f -> ISSUER_B.token()
                                .audience(f.audienceA())
                                .scope(Scopes.REGISTRATIONS)
                                .sign()),
                // platform tokens
                forged(
                        "platform: key from a tenant's issuer (A's key, the platform's iss)",
                        f -> ISSUER_A.token()
                                .issuer(PLATFORM_ISSUER)
                                .audience("pushgate")
                                .claim("tenant_id", f.a().id().toString())
                                .claim("client_id", "app-client-1")
                                .scope(Scopes.REGISTRATIONS)
                                .sign()),
                forged(
                        "platform: wrong issuer (tenant A's trusted issuer, platform key)",
                        f -> platformToken(f.a().id())
                                .issuer(ISSUER_A.issuer())
                                .audience(f.audienceA())
                                .scope(Scopes.REGISTRATIONS)
                                .sign()),
                forged(
                        "platform: a trusted issuer's audience",
                        f -> platformToken(f.a().id())
                                .audience(f.audienceA())
                                .scope(Scopes.REGISTRATIONS)
                                .sign()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgedTokens")
    void aForgedOrStaleTokenIs401WithAProblemAndNothingStored(String name, Function<Fixture, String> token)
            throws SQLException {
        register(token.apply(fixture))
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader()
                .value(
                        HttpHeaders.WWW_AUTHENTICATE,
                        value -> assertThat(value).startsWith("Bearer").contains("error=\"invalid_token\""))
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo(DeliveryApiProblem.UNAUTHENTICATED.type().toString())
                .jsonPath("$.status")
                .isEqualTo(401);
        assertThat(registrationCount(fixture.a())).as(name).isZero();
        assertThat(registrationCount(fixture.b())).as(name).isZero();
    }

    /** The fixture's genuine tokens register: a refusal above is the forgery's, not the fixture's. */
    @Test
    void theGenuineTokensOfTheFixtureRegister() throws SQLException {
        register(trusted(fixture).sign()).expectStatus().isOk();
        register(appToken(fixture.a())).expectStatus().isOk();
        assertThat(registrationCount(fixture.a())).isEqualTo(2);
    }

    private static TestIssuer.Token trusted(Fixture f) {
        return ISSUER_A.token().audience(f.audienceA()).scope(Scopes.REGISTRATIONS);
    }

    private static Arguments forged(String name, Function<Fixture, String> token) {
        return Arguments.of(name, token);
    }

    private WebTestClient.ResponseSpec register(String bearer) {
        return http.put()
                .uri("/v1/device-registrations/{token}", fcmToken())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", fixture.a().configId(), "sessionId", "s-suite", "platform", "android"))
                .exchange();
    }
}
