package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.testkit.TestPlatformInitializer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/** Repeated failed sign-ins for one account, or from one address, are refused for a while: 429 + Retry-After. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=" + TenantServiceApplication.CONFIG_NAME,
            "pushgate.sign-in.max-failures-per-account=3",
            "pushgate.sign-in.max-failures-per-address=6"
        })
@ContextConfiguration(initializers = TestPlatformInitializer.class)
class SignInThrottleIntegrationTests {

    @LocalServerPort
    int port;

    @Test
    void failuresForOneAccountThenFromOneAddressAreSlowedDown() {
        Api api = new Api(port);
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
