package io.pushgate.delivery.registration;

import io.pushgate.delivery.AvayaAliases;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * From a trusted proxy (loopback, the default of {@code pushgate.trusted-proxies}, where the tests
 * connect from) open registration's per-address limit counts the client {@code X-Forwarded-For}
 * names: the right-most address that is not a trusted proxy; a header naming no address is ignored.
 */
@TestPropertySource(properties = "pushgate.registration.open-per-ip-limit=3")
class OpenRegistrationClientAddressIntegrationTests extends RegistrationIntegrationSupport {

    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger();

    Tenant tenant;

    @BeforeEach
    void openTenant() throws SQLException {
        tenant = tenant(true);
    }

    @Test
    void theForwardedClientIsWhatTheLimitCounts() {
        String a = documentationAddress();
        for (int i = 0; i < 3; i++) {
            open(a).expectStatus().isOk();
        }

        open(a).expectStatus().isEqualTo(429);
        open(documentationAddress()).expectStatus().isOk();
        open("2001:db8::" + NEXT_ADDRESS.incrementAndGet()).expectStatus().isOk();
    }

    @Test
    void aSpoofedChainCountsTheRightMostAddressThatIsNotATrustedProxy() {
        String real = documentationAddress();
        for (int i = 0; i < 3; i++) {
            open(documentationAddress() + ", " + real).expectStatus().isOk();
        }

        open(documentationAddress() + ", " + real).expectStatus().isEqualTo(429);
        open(documentationAddress() + ", " + real + ", 127.0.0.2")
                .expectStatus()
                .isEqualTo(429);
        open(real + ", " + documentationAddress()).expectStatus().isOk();
    }

    /** Values that name no address count for the peer (the proxy) itself. */
    @Test
    void aMalformedHeaderIsIgnored() {
        open("not-an-address").expectStatus().isOk();
        open("198.51.100.300").expectStatus().isOk();
        open("for=198.51.100.9").expectStatus().isOk();

        open("[2001:db8::9").expectStatus().isEqualTo(429);
        open(documentationAddress()).expectStatus().isOk();
    }

    /** A documentation address (RFC 5737) no other call of this class uses. */
    private static String documentationAddress() {
        return "198.51.100." + NEXT_ADDRESS.incrementAndGet();
    }

    private WebTestClient.ResponseSpec open(String forwardedFor) {
        return http.put()
                .uri(AvayaAliases.REGISTRATIONS + "/{token}", fcmToken())
                .header("X-Forwarded-For", forwardedFor)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("configId", tenant.configId(), "sessionId", "s-open"))
                .exchange();
    }
}
