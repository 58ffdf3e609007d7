package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Scopes;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import tools.jackson.databind.JsonNode;

/**
 * The read API of a delivery-service without a sandbox (no {@code pushgate.sandbox.fcm-url}, as
 * outside {@code ./pushgate up}): sandbox messages are a 503 saying so, not a 500 or an empty list.
 * In this package for the shared test context with a platform token issuer.
 */
class SandboxUnavailableIntegrationTests extends RegistrationIntegrationSupport {

    @Test
    void sandboxMessagesAre503WhenThereIsNoSandbox() {
        String admin =
                platformToken(UUID.randomUUID()).scope(Scopes.TENANT_READ).sign();

        JsonNode problem = http.get()
                .uri("/v1/sandbox/messages")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + admin)
                .exchange()
                .expectStatus()
                .isEqualTo(503)
                .expectHeader()
                .valueEquals(HttpHeaders.RETRY_AFTER, "5")
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();

        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/sandbox-unavailable");
    }
}
