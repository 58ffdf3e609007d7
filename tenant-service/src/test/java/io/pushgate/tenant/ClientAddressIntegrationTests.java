package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * From a trusted proxy (loopback, the default of {@code pushgate.trusted-proxies}, where the tests
 * connect from) the client that {@code X-Forwarded-For} names is the one the sign-in limits count and
 * the audit log records; a client cannot choose its address by adding to the header, and a header
 * that names no address is ignored.
 */
@ControlPlaneTest
@TestPropertySource(
        properties = {"pushgate.sign-in.max-failures-per-address=3", "pushgate.sign-in.max-failures-per-account=1000"})
class ClientAddressIntegrationTests {

    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger();

    @Autowired
    Api api;

    @Test
    void theForwardedClientIsWhatTheSignInLimitCounts() {
        String a = documentationAddress();
        String b = documentationAddress();
        for (int i = 0; i < 3; i++) {
            failedSignIn(a).expectStatus().isUnauthorized();
        }

        failedSignIn(a).expectStatus().isEqualTo(429).expectHeader().exists("Retry-After");
        failedSignIn("2001:db8::"
                        + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0xffff)))
                .expectStatus()
                .isUnauthorized();
        failedSignIn(b).expectStatus().isUnauthorized();
        // the proxy's own address (the peer) has no failures of A's either
        api.post(null, "/v1/auth/login", Map.of("email", Api.uniqueEmail(), "password", "wrong password!!"))
                .expectStatus()
                .isUnauthorized();
    }

    /** A client that sends {@code X-Forwarded-For: anything} gets {@code anything, <its address>} from the proxy. */
    @Test
    void aSpoofedChainCountsTheRightMostAddressThatIsNotATrustedProxy() {
        String real = documentationAddress();
        for (int i = 0; i < 3; i++) {
            failedSignIn(documentationAddress() + ", " + real).expectStatus().isUnauthorized();
        }

        failedSignIn(documentationAddress() + ", " + real).expectStatus().isEqualTo(429);
        // trusted hops on the right (a second proxy on loopback) are skipped
        failedSignIn(documentationAddress() + ", " + real + ", 127.0.0.2")
                .expectStatus()
                .isEqualTo(429);
        failedSignIn(real + ", " + documentationAddress()).expectStatus().isUnauthorized();
    }

    @Test
    void theAuditLogRecordsTheForwardedClient() {
        String client = documentationAddress();
        Owner owner = signUp("203.0.113.250, " + client + ", 127.0.0.1");

        assertThat(signUpAddress(owner)).isEqualTo(client);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not-an-address",
                "unknown",
                "localhost",
                "198.51.100.300",
                "198.51.100.7, ::junk::",
                "for=198.51.100.7",
                "[2001:db8::7",
                ",,,",
                "198.51.100.7:99999"
            })
    void aMalformedHeaderIsIgnored(String header) {
        Owner owner = signUp(header);

        assertThat(signUpAddress(owner)).isEqualTo("127.0.0.1");
    }

    /** A documentation address (RFC 5737) no other call of this class uses, so that each test's counts are its own. */
    private static String documentationAddress() {
        return "198.51.100." + NEXT_ADDRESS.incrementAndGet();
    }

    private WebTestClient.ResponseSpec failedSignIn(String forwardedFor) {
        return api.http
                .post()
                .uri("/v1/auth/login")
                .header("X-Forwarded-For", forwardedFor)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", Api.uniqueEmail(), "password", "wrong password!!"))
                .exchange();
    }

    private record Owner(String email, String password) {}

    /** Signs up a tenant with {@code forwardedFor}: its owner. */
    private Owner signUp(String forwardedFor) {
        String email = Api.uniqueEmail();
        String password = "correct horse battery staple";
        Api.json(
                api.http
                        .post()
                        .uri("/v1/signup")
                        .header("X-Forwarded-For", forwardedFor)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("tenantName", "Tenant " + email, "email", email, "password", password))
                        .exchange(),
                201);
        return new Owner(email, password);
    }

    /** The source address the audit log recorded for the tenant's sign-up. */
    private String signUpAddress(Owner owner) {
        String token = api.login(owner.email(), owner.password());
        JsonNode events = Api.json(api.get(token, "/v1/audit-events"), 200);
        for (JsonNode event : events.get("items")) {
            if (event.get("action").asString().equals("tenant.signup")) {
                return event.get("sourceIp").asString();
            }
        }
        throw new AssertionError("no tenant.signup event in " + events);
    }
}
