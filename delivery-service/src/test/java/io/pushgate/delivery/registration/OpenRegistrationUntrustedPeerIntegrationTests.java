package io.pushgate.delivery.registration;

import io.pushgate.delivery.AvayaAliases;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

/**
 * With proxies configured elsewhere ({@code 10.0.0.0/8}), the tests' loopback peer is not one of them:
 * the {@code X-Forwarded-For} it sends is ignored, so naming a new address for each call does not
 * escape open registration's per-address limit. (Only loopback is connected to.)
 */
@TestPropertySource(properties = {"pushgate.trusted-proxies=10.0.0.0/8", "pushgate.registration.open-per-ip-limit=3"})
class OpenRegistrationUntrustedPeerIntegrationTests extends RegistrationIntegrationSupport {

    @Test
    void aForwardedHeaderFromAnUntrustedPeerIsIgnored() throws Exception {
        Tenant tenant = tenant(true);
        for (int i = 0; i < 4; i++) {
            http.put()
                    .uri(AvayaAliases.REGISTRATIONS + "/{token}", fcmToken())
                    .header("X-Forwarded-For", "198.51.100." + (10 + i))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("configId", tenant.configId(), "sessionId", "s-open"))
                    .exchange()
                    .expectStatus()
                    .isEqualTo(i < 3 ? 200 : 429);
        }
    }
}
