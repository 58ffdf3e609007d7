package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Scopes;
import io.pushgate.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import tools.jackson.databind.JsonNode;

/**
 * The read API when what it reads from does not answer: a 503 with {@code Retry-After} that says to
 * try again and what is missing — never a 500, an empty list or a hanging request. In this package
 * for the shared test context with a platform token issuer (its {@code pushgate.read-api.timeout} is
 * 2 s).
 */
class ReadApiUnavailableIntegrationTests extends RegistrationIntegrationSupport {

    /** A delivery-service without a sandbox (no {@code pushgate.sandbox.fcm-url}, as outside {@code ./pushgate up}). */
    @Test
    void sandboxMessagesAre503WhenThereIsNoSandbox() {
        assertThat(unavailable("/v1/sandbox/messages", admin()))
                .isEqualTo("https://pushgate.io/problems/sandbox-unavailable");
    }

    /**
     * The store held up by a lock on the table, as a long migration or a stuck vacuum would hold it;
     * once it answers again, the same read works.
     */
    @Test
    void aReadTheStoreCannotAnswerInTimeIs503AndWorksOnceItAnswers() throws Exception {
        String admin = admin();
        TestDatabase database = TestDatabase.get();
        try (Connection blocker =
                DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password())) {
            blocker.setAutoCommit(false);
            blocker.createStatement().execute("LOCK TABLE delivery.notification IN ACCESS EXCLUSIVE MODE");

            assertThat(unavailable("/v1/notifications", admin))
                    .isEqualTo("https://pushgate.io/problems/notification-store-unavailable");
            blocker.rollback();
        }

        http.get()
                .uri("/v1/notifications")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + admin)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.items")
                .isArray();
    }

    private String admin() {
        return platformToken(UUID.randomUUID()).scope(Scopes.TENANT_READ).sign();
    }

    /** GETs {@code uri}, expects a 503 problem with {@code Retry-After: 5}, and answers its type. */
    private String unavailable(String uri, String token) {
        JsonNode problem = http.get()
                .uri(uri)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange()
                .expectStatus()
                .isEqualTo(503)
                .expectHeader()
                .valueEquals(HttpHeaders.RETRY_AFTER, "5")
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        return problem.get("type").asString();
    }
}
