package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * With proxies configured elsewhere ({@code 10.0.0.0/8}), the tests' loopback peer is not one of them:
 * the {@code X-Forwarded-For} it sends is ignored, so a client cannot escape the per-address sign-in
 * limit by naming another address, nor write one into the audit log. (Only loopback is connected to.)
 */
@ControlPlaneTest
@TestPropertySource(
        properties = {
            "pushgate.trusted-proxies=10.0.0.0/8",
            "pushgate.sign-in.max-failures-per-address=3",
            "pushgate.sign-in.max-failures-per-account=1000"
        })
class UntrustedPeerIntegrationTests {

    @Autowired
    Api api;

    @Test
    void aForwardedHeaderFromAnUntrustedPeerIsIgnored() {
        // the audit log records the peer, not the header (checked first: the failures below limit loopback)
        String email = Api.uniqueEmail();
        String password = "correct horse battery staple";
        Api.json(
                withForwardedFor(
                        "/v1/signup",
                        "198.51.100.40",
                        Map.of("tenantName", "Tenant " + email, "email", email, "password", password)),
                201);
        String token = api.login(email, password);
        JsonNode events = Api.json(api.get(token, "/v1/audit-events"), 200);
        assertThat(events.get("items"))
                .filteredOn(event -> event.get("action").asString().equals("tenant.signup"))
                .singleElement()
                .satisfies(event -> assertThat(event.get("sourceIp").asString()).isEqualTo("127.0.0.1"));

        // each failure names a new address; all of them count for the peer
        for (int i = 0; i < 3; i++) {
            withForwardedFor("/v1/auth/login", "198.51.100." + (50 + i), wrongPassword())
                    .expectStatus()
                    .isUnauthorized();
        }
        withForwardedFor("/v1/auth/login", "198.51.100.60", wrongPassword())
                .expectStatus()
                .isEqualTo(429);
    }

    private static Map<String, String> wrongPassword() {
        return Map.of("email", Api.uniqueEmail(), "password", "wrong password!!");
    }

    private WebTestClient.ResponseSpec withForwardedFor(String path, String forwardedFor, Object body) {
        return api.http
                .post()
                .uri(path)
                .header("X-Forwarded-For", forwardedFor)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }
}
