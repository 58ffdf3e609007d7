package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.testkit.TestDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Trusted issuers, and the change notifications delivery-service evicts its caches on: a real
 * {@code LISTEN pushgate_tenancy_changed} on a JDBC connection sees every change to configurations,
 * credentials and trusted issuers, with the documented payload.
 */
@ControlPlaneTest
class ChangeEventsIntegrationTests {

    @Autowired
    Api api;

    Api.Tenant tenant;
    Connection listener;

    @BeforeEach
    void listen() throws Exception {
        tenant = api.tenant();
        listener = TestDatabase.get().connect();
        try (var statement = listener.createStatement()) {
            statement.execute("LISTEN pushgate_tenancy_changed");
        }
    }

    @AfterEach
    void close() throws Exception {
        listener.close();
    }

    @Test
    void everyChangeToConfigurationsCredentialsAndIssuersIsNotified() throws Exception {
        String configuration = api.configuration(tenant.token(), "App");
        api.patch(tenant.token(), "/v1/configurations/" + configuration, Map.of("enabled", false))
                .expectStatus()
                .isOk();
        api.postEmpty(tenant.token(), "/v1/configurations/" + configuration + "/secret:rotate")
                .expectStatus()
                .isOk();
        api.postEmpty(tenant.token(), "/v1/configurations/" + configuration + "/secret:expire-previous")
                .expectStatus()
                .isNoContent();
        api.postEmpty(tenant.token(), "/v1/configurations/" + configuration + "/callback-key:rotate")
                .expectStatus()
                .isOk();
        api.delete(tenant.token(), "/v1/configurations/" + configuration)
                .expectStatus()
                .isNoContent();
        String credential = api.sandboxCredential(tenant.token(), "S");
        api.delete(tenant.token(), "/v1/credentials/" + credential)
                .expectStatus()
                .isNoContent();
        String issuer = api.trustedIssuer(
                tenant.token(),
                "https://id.example.test/" + tenant.tenantId(),
                "https://id.example.test/jwks",
                "mobile");
        api.delete(tenant.token(), "/v1/trusted-issuers/" + issuer)
                .expectStatus()
                .isNoContent();

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            expected.add(payload("configuration", configuration));
        }
        expected.add(payload("credential", credential));
        expected.add(payload("credential", credential));
        expected.add(payload("trusted_issuer", issuer));
        expected.add(payload("trusted_issuer", issuer));
        assertThat(notifications(expected.size())).containsExactlyElementsOf(expected);
    }

    @Test
    void aFailedChangeNotifiesNothing() throws Exception {
        api.patch(tenant.token(), "/v1/configurations/" + java.util.UUID.randomUUID(), Map.of("enabled", false))
                .expectStatus()
                .isNotFound();
        String marker = api.sandboxCredential(tenant.token(), "S");
        assertThat(notifications(1)).containsExactly(payload("credential", marker));
    }

    @Test
    void anIssuerAndAudienceBelongToOneTenantOnly() {
        Map<String, String> issuer = Map.of(
                "issuer", "https://login.example.test/" + tenant.tenantId(),
                "jwksUri", "https://login.example.test/jwks",
                "audience", "app");
        JsonNode created = api.created(tenant.token(), "/v1/trusted-issuers", issuer);
        assertThat(created.get("issuer").asString()).isEqualTo(issuer.get("issuer"));
        JsonNode list = Api.json(api.get(tenant.token(), "/v1/trusted-issuers"), 200);
        assertThat(list.get("items")).hasSize(1);

        Api.Tenant other = api.tenant();
        JsonNode problem = Api.json(api.post(other.token(), "/v1/trusted-issuers", issuer), 409);
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/trusted-issuer-taken");
        assertThat(problem.toString())
                .doesNotContain(tenant.tenantId().toString().substring(0, 8) + "-");

        JsonNode insecure = Api.json(
                api.post(
                        other.token(),
                        "/v1/trusted-issuers",
                        Map.of(
                                "issuer",
                                "http://login.example.test",
                                "jwksUri",
                                "https://x.test/jwks",
                                "audience",
                                "a")),
                400);
        assertThat(insecure.get("field").asString()).isEqualTo("issuer");
        JsonNode noAudience = Api.json(
                api.post(
                        other.token(),
                        "/v1/trusted-issuers",
                        Map.of("issuer", "https://login.example.test", "jwksUri", "https://x.test/jwks")),
                400);
        assertThat(noAudience.get("field").asString()).isEqualTo("audience");
    }

    private String payload(String kind, String id) {
        return "{\"kind\":\"" + kind + "\",\"id\":\"" + id + "\",\"tenantId\":\"" + tenant.tenantId() + "\"}";
    }

    /** The next {@code count} notifications for this test's tenant (other tests' tenants share the channel). */
    private List<String> notifications(int count) throws Exception {
        List<String> payloads = new ArrayList<>();
        PGConnection connection = listener.unwrap(PGConnection.class);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (payloads.size() < count && System.nanoTime() < deadline) {
            PGNotification[] received = connection.getNotifications(500);
            if (received == null) {
                continue;
            }
            for (PGNotification notification : received) {
                assertThat(notification.getName()).isEqualTo("pushgate_tenancy_changed");
                if (notification.getParameter().contains(tenant.tenantId().toString())) {
                    payloads.add(notification.getParameter());
                }
            }
        }
        return payloads;
    }
}
