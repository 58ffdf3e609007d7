package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Scopes;
import io.pushgate.testkit.TestIssuer;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

/**
 * With loopback JWKS not allowed (the default), a trusted issuer whose JWKS is on this machine's
 * loopback — where the test issuer does listen, so a fetch would reach it — is never fetched: the
 * guard, not a failed connection, refuses it, by the literal address and by a name resolving to it.
 */
@TestPropertySource(properties = "pushgate.security.allow-loopback-jwks=false")
class JwksAddressGuardIntegrationTests extends RegistrationIntegrationSupport {

    @Test
    void neverFetchesAJwksOnLoopbackThoughItWouldReachTheIssuer() throws Exception {
        Tenant tenant = tenant();
        for (String host : new String[] {"127.0.0.1", "localhost", "[::ffff:127.0.0.1]"}) {
            // an issuer of its own each: its row is read fresh, never one cached for another URI
            try (TestIssuer idp = TestIssuer.ec()) {
                String audience = "aud-" + UUID.randomUUID();
                trustWithJwksUri(
                        tenant, idp, "http://" + host + ":" + idp.jwksUri().getPort() + "/jwks", audience);

                int status = http.put()
                        .uri("/v1/device-registrations/{token}", fcmToken())
                        .header(
                                HttpHeaders.AUTHORIZATION,
                                "Bearer "
                                        + idp.token()
                                                .audience(audience)
                                                .scope(Scopes.REGISTRATIONS)
                                                .sign())
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("configId", tenant.configId(), "sessionId", "s-guard", "platform", "android"))
                        .exchange()
                        .returnResult(String.class)
                        .getStatus()
                        .value();
                assertThat(idp.jwksRequests()).as(host).isZero();
                assertThat(status).as(host).isEqualTo(401);
            }
        }
    }
}
