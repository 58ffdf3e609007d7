package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.AvayaAliases;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Open registration is rate-limited per configuration and per client address; token holders are not. */
@TestPropertySource(
        properties = {
            "pushgate.registration.open-per-ip-limit=5",
            "pushgate.registration.open-per-configuration-limit=3",
            "pushgate.registration.open-limit-period=1h"
        })
class RegistrationRateLimitIntegrationTests extends RegistrationIntegrationSupport {

    @Test
    void limitsOpenRegistrationsPerConfigurationThenPerAddress() throws SQLException {
        Tenant first = tenant(true);
        Tenant second = tenant(true);

        for (int i = 0; i < 3; i++) {
            open(first).expectStatus().isOk();
        }
        String refused = fcmToken();
        open(first, refused)
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .exists(HttpHeaders.RETRY_AFTER)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo(DeliveryApiProblem.RATE_LIMITED.type().toString());

        // the address has made 4 calls so far: one more is allowed, on another configuration
        open(second).expectStatus().isOk();
        open(second).expectStatus().isEqualTo(429);
        // reads without a token count for the address too
        http.get()
                .uri(AvayaAliases.REGISTRATIONS + "/{token}", fcmToken())
                .exchange()
                .expectStatus()
                .isEqualTo(429);

        // what was refused was not stored
        assertThat(row(first.id(), refused)).isNull();

        // an app with a token is not limited by open registration
        String token = appToken(first);
        for (int i = 0; i < 5; i++) {
            String deviceToken = fcmToken();
            AvayaAliases.register(http, deviceToken, Map.of("configId", first.configId(), "sessionId", "s-" + i), token)
                    .expectStatus()
                    .isOk();
            assertThat(row(first.id(), deviceToken)).isNotNull();
        }
    }

    private WebTestClient.ResponseSpec open(Tenant tenant) {
        return open(tenant, fcmToken());
    }

    private WebTestClient.ResponseSpec open(Tenant tenant, String deviceToken) {
        return AvayaAliases.register(http, deviceToken, Map.of("configId", tenant.configId(), "sessionId", "s-open"));
    }
}
