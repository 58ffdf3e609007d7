package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** Repeated failed sign-ins for one account, or from one address, are refused for a while: 429 + Retry-After. */
@ControlPlaneTest
@TestPropertySource(
        properties = {"pushgate.sign-in.max-failures-per-account=3", "pushgate.sign-in.max-failures-per-address=6"})
class SignInThrottleIntegrationTests {

    @Autowired
    Api api;

    @Test
    void failuresForOneAccountThenFromOneAddressAreSlowedDown() {
        Api.Tenant tenant = api.tenant();
        Api.Tenant other = api.tenant();
        Map<String, String> wrong = Map.of("email", tenant.email(), "password", "wrong password!!");
        for (int i = 0; i < 3; i++) {
            api.post(null, "/v1/auth/login", wrong).expectStatus().isUnauthorized();
        }
        var throttled =
                api.post(null, "/v1/auth/login", Map.of("email", tenant.email(), "password", tenant.password()));
        throttled.expectHeader().exists("Retry-After");
        JsonNode problem = Api.json(throttled, 429);
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/sign-in-throttled");

        // the address has 3 failures; 3 more for other accounts reach its limit of 6
        for (int i = 0; i < 3; i++) {
            api.post(null, "/v1/auth/login", Map.of("email", Api.uniqueEmail(), "password", "wrong password!!"))
                    .expectStatus()
                    .isUnauthorized();
        }
        api.post(null, "/v1/auth/login", Map.of("email", other.email(), "password", other.password()))
                .expectStatus()
                .isEqualTo(429);
    }
}
