package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Scopes;
import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.testkit.TestIssuer;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A member's admin token with {@code tenant.write} (owners and admins) registers and deletes devices
 * of its own tenant, as the portal does for its test device; a viewer's ({@code tenant.read} only)
 * does not, and a trusted issuer's token never gets there through that scope.
 */
class MemberRegistrationIntegrationTests extends RegistrationIntegrationSupport {

    @Test
    void anAdminsTokenRegistersAndDeletesADeviceOfItsTenant() throws SQLException {
        Tenant tenant = tenant();
        String admin = member(tenant.id(), "admin", Scopes.TENANT_READ, Scopes.TENANT_WRITE);
        String deviceToken = fcmToken();

        register(tenant, deviceToken, admin)
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.configId")
                .isEqualTo(tenant.configId())
                .jsonPath("$.openRegistration")
                .isEqualTo(false);
        assertThat(row(tenant.id(), deviceToken)).isNotNull();

        http.delete()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + admin)
                .exchange()
                .expectStatus()
                .isNoContent();
        assertThat(row(tenant.id(), deviceToken)).isNull();
    }

    @Test
    void anOwnersTokenRegistersToo() throws SQLException {
        Tenant tenant = tenant();
        String owner = member(tenant.id(), "owner", Scopes.TENANT_READ, Scopes.TENANT_WRITE, Scopes.MEMBERS_WRITE);
        String deviceToken = fcmToken();

        register(tenant, deviceToken, owner).expectStatus().isOk();
        assertThat(row(tenant.id(), deviceToken)).isNotNull();
    }

    @Test
    void aViewersTokenCannotRegisterNorDelete() throws SQLException {
        Tenant tenant = tenant();
        String viewer = member(tenant.id(), "viewer", Scopes.TENANT_READ);
        String deviceToken = fcmToken();

        register(tenant, deviceToken, viewer)
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .value(HttpHeaders.WWW_AUTHENTICATE, value -> assertThat(value).contains("insufficient_scope"))
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo(DeliveryApiProblem.FORBIDDEN.type().toString());
        assertThat(row(tenant.id(), deviceToken)).isNull();

        register(tenant, deviceToken, appToken(tenant)).expectStatus().isOk();
        http.delete()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + viewer)
                .exchange()
                .expectStatus()
                .isForbidden();
        assertThat(row(tenant.id(), deviceToken)).isNotNull();
    }

    @Test
    void anAdminsTokenCannotRegisterForAnotherTenantsConfiguration() throws SQLException {
        Tenant mine = tenant();
        Tenant theirs = tenant();
        String admin = member(mine.id(), "admin", Scopes.TENANT_READ, Scopes.TENANT_WRITE);
        String deviceToken = fcmToken();

        register(theirs, deviceToken, admin)
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo(DeliveryApiProblem.NOT_FOUND.type().toString());
        assertThat(row(theirs.id(), deviceToken)).isNull();
        assertThat(row(mine.id(), deviceToken)).isNull();
    }

    @Test
    void aTrustedIssuersTokenDoesNotRegisterWithTenantWriteAlone() throws SQLException {
        Tenant tenant = tenant();
        String audience = "mobile-app-" + UUID.randomUUID();
        try (TestIssuer idp = TestIssuer.rsa()) {
            trust(tenant, idp, audience);
            String deviceToken = fcmToken();

            register(
                            tenant,
                            deviceToken,
                            idp.token()
                                    .audience(audience)
                                    .scope(Scopes.TENANT_WRITE)
                                    .sign())
                    .expectStatus()
                    .isForbidden();
            assertThat(row(tenant.id(), deviceToken)).isNull();
        }
    }

    /** A member's admin token as tenant-service mints it at sign-in. */
    private static String member(UUID tenantId, String role, String... scopes) {
        UUID memberId = UUID.randomUUID();
        return PLATFORM.token()
                .audience("pushgate")
                .subject(memberId.toString())
                .claim("tenant_id", tenantId.toString())
                .claim("member_id", memberId.toString())
                .claim("role", role)
                .scope(scopes)
                .sign();
    }

    private WebTestClient.ResponseSpec register(Tenant tenant, String deviceToken, String bearer) {
        return http.put()
                .uri("/v1/device-registrations/{token}", deviceToken)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "configId",
                        tenant.configId(),
                        "sessionId",
                        "pushgate-test-" + UUID.randomUUID(),
                        "platform",
                        "android",
                        "provider",
                        "fcm"))
                .exchange();
    }
}
