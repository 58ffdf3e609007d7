package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Scopes;
import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.AvayaAliases;
import io.pushgate.testkit.TestIssuer;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Who may register: platform tokens and tenants' trusted issuers' tokens, checked for real against
 * JWKS served over HTTP, and the tokens attackers bring.
 */
class RegistrationAuthenticationIntegrationTests extends RegistrationIntegrationSupport {

    /** A tenant's own identity provider (RSA), trusted by some tenants below. */
    static final TestIssuer IDP = TestIssuer.rsa();

    @AfterAll
    static void stopIssuer() {
        IDP.close();
    }

    @Test
    void aPlatformTokenWithTheScopeRegisters() throws SQLException {
        Tenant tenant = tenant();
        register(tenant, appToken(tenant)).expectStatus().isOk();
    }

    @Test
    void withoutATokenAClosedConfigurationAnswers401WithABearerChallenge() throws SQLException {
        Tenant tenant = tenant();
        register(tenant, null)
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"pushgate\"")
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo(DeliveryApiProblem.UNAUTHENTICATED.type().toString());
    }

    @Test
    void refusesAnExpiredToken() throws SQLException {
        Tenant tenant = tenant();
        invalidToken(
                tenant,
                platformToken(tenant.id())
                        .scope(Scopes.REGISTRATIONS)
                        .expiresAt(Instant.now().minusSeconds(120))
                        .sign());
    }

    @Test
    void refusesATokenNotYetValid() throws SQLException {
        Tenant tenant = tenant();
        invalidToken(
                tenant,
                platformToken(tenant.id())
                        .scope(Scopes.REGISTRATIONS)
                        .notBefore(Instant.now().plusSeconds(300))
                        .sign());
    }

    @Test
    void refusesATokenWithoutExpiry() throws SQLException {
        Tenant tenant = tenant();
        invalidToken(
                tenant,
                platformToken(tenant.id())
                        .scope(Scopes.REGISTRATIONS)
                        .withoutExpiry()
                        .sign());
    }

    @Test
    void refusesAPlatformTokenForAnotherAudience() throws SQLException {
        Tenant tenant = tenant();
        invalidToken(
                tenant,
                platformToken(tenant.id())
                        .audience("some-other-api")
                        .scope(Scopes.REGISTRATIONS)
                        .sign());
    }

    @Test
    void refusesATokenOfAnUnknownIssuer() throws SQLException {
        Tenant tenant = tenant();
        try (TestIssuer stranger = TestIssuer.ec()) {
            invalidToken(
                    tenant,
                    stranger.token()
                            .audience("pushgate")
                            .claim("tenant_id", tenant.id().toString())
                            .scope(Scopes.REGISTRATIONS)
                            .sign());
            assertThat(stranger.jwksRequests()).isZero();
        }
        // nor does an unknown issuer get in by naming the platform's JWKS as its own
        invalidToken(
                tenant,
                platformToken(tenant.id())
                        .issuer("https://evil.example")
                        .scope(Scopes.REGISTRATIONS)
                        .sign());
    }

    @Test
    void refusesAnUnsignedToken() throws SQLException {
        Tenant tenant = tenant();
        invalidToken(
                tenant, platformToken(tenant.id()).scope(Scopes.REGISTRATIONS).unsigned());
    }

    @Test
    void refusesHs256SignedWithThePublicKey() throws SQLException {
        Tenant tenant = tenant();
        invalidToken(
                tenant, platformToken(tenant.id()).scope(Scopes.REGISTRATIONS).signHs256WithPublicKey());
        Tenant trusting = tenant();
        String audience = "aud-" + UUID.randomUUID();
        trust(trusting, IDP, audience);
        invalidToken(
                trusting,
                IDP.token().audience(audience).scope(Scopes.REGISTRATIONS).signHs256WithPublicKey());
    }

    @Test
    void refusesAForgedKeyIdAndAKeyTheJwksDoesNotPublish() throws SQLException {
        Tenant tenant = tenant();
        invalidToken(
                tenant,
                platformToken(tenant.id())
                        .scope(Scopes.REGISTRATIONS)
                        .keyId("forged-" + UUID.randomUUID())
                        .sign());
        invalidToken(
                tenant, platformToken(tenant.id()).scope(Scopes.REGISTRATIONS).signWithUnpublishedKey());
        invalidToken(
                tenant, platformToken(tenant.id()).scope(Scopes.REGISTRATIONS).tampered());
    }

    @Test
    void refusesATokenWithoutTheScope() throws SQLException {
        Tenant tenant = tenant();
        register(tenant, platformToken(tenant.id()).scope(Scopes.TENANT_READ).sign())
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .value(
                        HttpHeaders.WWW_AUTHENTICATE,
                        value -> assertThat(value).contains("error=\"insufficient_scope\""));
    }

    @Test
    void tenantAsTokenCannotRegisterForTenantBsConfiguration() throws SQLException {
        Tenant a = tenant();
        Tenant b = tenant();
        register(b, appToken(a))
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo(DeliveryApiProblem.NOT_FOUND.type().toString());
    }

    @Test
    void findsTheRotatedPlatformKeyByItsNewKid() throws SQLException {
        Tenant tenant = tenant();
        register(tenant, appToken(tenant)).expectStatus().isOk();
        PLATFORM.rotate(true);
        register(tenant, appToken(tenant)).expectStatus().isOk();
    }

    @Test
    void aTrustedIssuersTokenRegistersForTheTenantThatTrustsIt() throws SQLException {
        Tenant tenant = tenant();
        Tenant other = tenant();
        String audience = "mobile-app-" + UUID.randomUUID();
        trust(tenant, IDP, audience);
        String deviceToken = fcmToken();

        http.put()
                .uri("/v1/device-registrations/{token}", deviceToken)
                // a tenant_id claim of a foreign issuer means nothing: the tenant is the one that trusts it
                .header(
                        HttpHeaders.AUTHORIZATION,
                        "Bearer "
                                + IDP.token()
                                        .audience(audience)
                                        .scope(Scopes.REGISTRATIONS)
                                        .claim("tenant_id", other.id().toString())
                                        .sign())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", tenant.configId(), "sessionId", "s-idp", "platform", "android"))
                .exchange()
                .expectStatus()
                .isOk();
        assertThat(row(tenant.id(), deviceToken)).isNotNull();

        // and it cannot reach the other tenant's configuration
        register(
                        other,
                        IDP.token()
                                .audience(audience)
                                .scope(Scopes.REGISTRATIONS)
                                .claim("tenant_id", other.id().toString())
                                .sign())
                .expectStatus()
                .isNotFound();
    }

    @Test
    void aTrustedIssuersTokenNeverGetsThePlatformsAdminScopes() throws SQLException {
        Tenant tenant = tenant();
        String audience = "mobile-app-" + UUID.randomUUID();
        // an identity provider of its own (a fresh issuer, uncached) that echoes whatever scopes its client asked for
        try (TestIssuer greedyIdp = TestIssuer.rsa()) {
            trust(tenant, greedyIdp, audience);
            String greedy = greedyIdp
                    .token()
                    .audience(audience)
                    .scope(Scopes.REGISTRATIONS, Scopes.TENANT_READ, Scopes.TENANT_WRITE)
                    .sign();

            register(tenant, greedy).expectStatus().isOk();
            for (String adminOnly : new String[] {"/v1/notifications", "/v1/stats", "/v1/sandbox/messages"}) {
                http.get()
                        .uri(adminOnly)
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + greedy)
                        .exchange()
                        .expectStatus()
                        .isForbidden();
            }
        }
    }

    @Test
    void aTrustedIssuersTokenReadsSearchesAndDeletesItsTenantsRegistrations() throws SQLException {
        Tenant tenant = tenant();
        String audience = "aud-" + UUID.randomUUID();
        trust(tenant, IDP, audience);
        String bearer = "Bearer "
                + IDP.token().audience(audience).scope(Scopes.REGISTRATIONS).sign();
        String deviceToken = apnsToken();
        String session = "s-idp-" + deviceToken.substring(0, 12);

        http.put()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, bearer)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "configId",
                        tenant.configId(),
                        "sessionId",
                        session,
                        "platform",
                        "ios",
                        "provider",
                        "apns",
                        "appId",
                        "com.example.app"))
                .exchange()
                .expectStatus()
                .isOk();
        http.get()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, bearer)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.apnsEnvironment")
                .doesNotExist();
        http.post()
                .uri("/v1/device-registrations:search")
                .header(HttpHeaders.AUTHORIZATION, bearer)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sessionId", session))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.registrations[0].deviceToken")
                .isEqualTo(deviceToken);
        http.post()
                .uri(AvayaAliases.REGISTRATIONS + ":search")
                .header(HttpHeaders.AUTHORIZATION, bearer)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sessionId", session))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.deviceToken")
                .isEqualTo(deviceToken);
        http.delete()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, bearer)
                .exchange()
                .expectStatus()
                .isNoContent();
        assertThat(row(tenant.id(), deviceToken)).isNull();
    }

    @Test
    void aTrustedIssuersTokenNeedsTheRegisteredAudienceAndTheScope() throws SQLException {
        Tenant tenant = tenant();
        String audience = "aud-" + UUID.randomUUID();
        trust(tenant, IDP, audience);
        invalidToken(
                tenant,
                IDP.token().audience("pushgate").scope(Scopes.REGISTRATIONS).sign());
        invalidToken(
                tenant,
                IDP.token()
                        .audience(audience)
                        .scope(Scopes.REGISTRATIONS)
                        .expiresAt(Instant.now().minusSeconds(120))
                        .sign());
        register(tenant, IDP.token().audience(audience).scope("openid").sign())
                .expectStatus()
                .isForbidden();
        register(
                        tenant,
                        IDP.token()
                                .audience(audience)
                                .scope(Scopes.REGISTRATIONS)
                                .sign())
                .expectStatus()
                .isOk();
    }

    @Test
    void anIssuerNoLongerTrustedIsRefusedOnceTheChangeIsNotified() throws Exception {
        Tenant tenant = tenant();
        String audience = "aud-" + UUID.randomUUID();
        try (TestIssuer idp = TestIssuer.ec()) {
            UUID id = trust(tenant, idp, audience);
            register(
                            tenant,
                            idp.token()
                                    .audience(audience)
                                    .scope(Scopes.REGISTRATIONS)
                                    .sign())
                    .expectStatus()
                    .isOk();

            sql("DELETE FROM tenancy.trusted_issuer WHERE id = ?", id);
            changed("trusted_issuer", id, tenant.id());

            eventually(() -> status(
                            tenant,
                            idp.token()
                                    .audience(audience)
                                    .scope(Scopes.REGISTRATIONS)
                                    .sign())
                    == 401);
        }
    }

    /**
     * Metadata, link-local and wildcard addresses are refused before any connection is tried: what the
     * service logs is the guard's reason, not a failed fetch (this test never opens a connection to
     * them). That the guard, not a failed connection, keeps a JWKS from being fetched is shown where a
     * refused address does reach the issuer: {@code JwksAddressGuardIntegrationTests}.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void neverFetchesAJwksFromAMetadataOrLinkLocalAddress(CapturedOutput output) throws SQLException {
        Tenant tenant = tenant();
        for (String jwksUri : List.of(
                "http://169.254.169.254/latest/meta-data/jwks",
                "http://[fe80::1]/jwks",
                "http://100.100.100.200/jwks",
                "http://[fd00:ec2::254]/jwks",
                "http://0.0.0.0/jwks",
                "http://[::]/jwks")) {
            // an issuer of its own each: its row is read fresh, never one cached for another URI
            try (TestIssuer idp = TestIssuer.ec()) {
                String audience = "aud-" + UUID.randomUUID();
                trustWithJwksUri(tenant, idp, jwksUri, audience);
                invalidToken(
                        tenant,
                        idp.token()
                                .audience(audience)
                                .scope(Scopes.REGISTRATIONS)
                                .sign());
                assertThat(output.getAll())
                        .as(jwksUri)
                        .contains("JWKS " + jwksUri + " not refreshed: the JWKS URI's address is not allowed");
            }
        }
    }

    private WebTestClient.ResponseSpec register(Tenant tenant, String bearer) {
        return register(tenant, bearer, fcmToken());
    }

    private WebTestClient.ResponseSpec register(Tenant tenant, String bearer, String deviceToken) {
        WebTestClient.RequestBodySpec request = http.put().uri("/v1/device-registrations/{token}", deviceToken);
        if (bearer != null) {
            request.header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer);
        }
        return request.contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", tenant.configId(), "sessionId", "s-auth", "platform", "android"))
                .exchange();
    }

    private int status(Tenant tenant, String bearer) {
        return register(tenant, bearer).returnResult(String.class).getStatus().value();
    }

    /** 401 with {@code error="invalid_token"}, as RFC 6750 says, and nothing stored. */
    private void invalidToken(Tenant tenant, String bearer) {
        String deviceToken = fcmToken();
        WebTestClient.ResponseSpec answer = register(tenant, bearer, deviceToken);
        try {
            assertThat(row(tenant.id(), deviceToken))
                    .as("stored for a refused token")
                    .isNull();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        answer.expectStatus()
                .isUnauthorized()
                .expectHeader()
                .value(
                        HttpHeaders.WWW_AUTHENTICATE,
                        value -> assertThat(value).startsWith("Bearer").contains("error=\"invalid_token\""))
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo(DeliveryApiProblem.UNAUTHENTICATED.type().toString());
    }
}
