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
 * The read API when the notification store does not answer in time ({@code
 * pushgate.read-api.timeout}, 2 s in this package's context): a 503 with {@code Retry-After} that
 * says to try again, not a 500 or a hanging request; and once the store answers, the same read
 * works. Here the store is held up by a lock on the table, as a long migration or a stuck vacuum
 * would hold it. In this package for the shared test context with a platform token issuer.
 */
class NotificationStoreUnavailableIntegrationTests extends RegistrationIntegrationSupport {

    @Test
    void aReadTheStoreCannotAnswerInTimeIs503WithRetryAfter() throws Exception {
        String admin =
                platformToken(UUID.randomUUID()).scope(Scopes.TENANT_READ).sign();
        TestDatabase database = TestDatabase.get();

        try (Connection blocker =
                DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password())) {
            blocker.setAutoCommit(false);
            blocker.createStatement().execute("LOCK TABLE delivery.notification IN ACCESS EXCLUSIVE MODE");

            JsonNode problem = http.get()
                    .uri("/v1/notifications")
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + admin)
                    .exchange()
                    .expectStatus()
                    .isEqualTo(503)
                    .expectHeader()
                    .valueEquals(HttpHeaders.RETRY_AFTER, "5")
                    .expectBody(JsonNode.class)
                    .returnResult()
                    .getResponseBody();

            assertThat(problem.get("type").asString())
                    .isEqualTo("https://pushgate.io/problems/notification-store-unavailable");
            assertThat(problem.get("status").asInt()).isEqualTo(503);
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
}
