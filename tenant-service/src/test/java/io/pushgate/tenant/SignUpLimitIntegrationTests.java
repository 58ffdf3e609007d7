package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Sign-up is limited per client address, the address {@code ClientAddressFilter} decided (the
 * client a trusted proxy names): beyond {@code max-per-address}, 429 {@code sign-up-throttled} with
 * {@code Retry-After}, and no tenant made; another address is not affected.
 */
@ControlPlaneTest
@TestPropertySource(properties = {"pushgate.sign-up.max-per-address=2", "pushgate.sign-up.window=1h"})
class SignUpLimitIntegrationTests {

    @Autowired
    Api api;

    @Test
    void anAddressIsRefusedBeyondItsSignUpsAndAnotherIsNot() {
        // 127.0.0.1 is a trusted proxy (the default): the address is the client it names
        assertThat(signUp("203.0.113.7").getStatus().value()).isEqualTo(201);
        assertThat(signUp("203.0.113.7").getStatus().value()).isEqualTo(201);
        String email = Api.uniqueEmail();
        EntityExchangeResult<byte[]> refused = signUp("203.0.113.7", email);
        assertThat(refused.getStatus().value()).isEqualTo(429);
        assertThat(refused.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(Api.parse(new String(refused.getResponseBody())).get("type").asString())
                .isEqualTo("https://pushgate.io/problems/sign-up-throttled");
        // one every 30 minutes (2 per hour): the next is that far off
        assertThat(Long.parseLong(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)))
                .isBetween(1700L, 1800L);
        // nothing was made: the e-mail signs up from another address
        assertThat(signUp("203.0.113.8", email).getStatus().value()).isEqualTo(201);
    }

    private EntityExchangeResult<byte[]> signUp(String client) {
        return signUp(client, Api.uniqueEmail());
    }

    private EntityExchangeResult<byte[]> signUp(String client, String email) {
        WebTestClient.ResponseSpec answer = api.http
                .post()
                .uri("/v1/signup")
                .header("X-Forwarded-For", client)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "tenantName", "Tenant " + email, "email", email, "password", "correct horse battery staple"))
                .exchange();
        return answer.expectBody(byte[].class).returnResult();
    }
}
