package io.pushgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.Scopes;
import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.testkit.TcpProxy;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestIssuer;
import io.pushgate.testkit.TestKeyset;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * With its database unreachable, every tenant read of delivery-service answers at once with a 503
 * problem of its own type and a {@code Retry-After} — never a 500, a 404 for something that may well
 * exist, or a hang. delivery-service reaches its database through a proxy the test closes (connections
 * refused); the test sets its rows up directly first.
 */
@ExtendWith(TenancySchema.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=" + DeliveryServiceApplication.CONFIG_NAME})
@DirtiesContext
class ReadsWithoutDatabaseIntegrationTests {

    static final String PLATFORM_ISSUER = "http://platform.pushgate.test";
    static final TestIssuer PLATFORM = TestIssuer.ec(PLATFORM_ISSUER);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final TcpProxy database =
            new TcpProxy(URI.create(TestDatabase.get().url()));

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void throughTheProxy(DynamicPropertyRegistry properties) throws Exception {
        database.open();
        TestDatabase test = TestDatabase.get();
        String proxied = test.url().replaceFirst("//[^/]+/", "//127.0.0.1:" + database.port() + "/");
        properties.add("pushgate.db.url", () -> proxied);
        properties.add("pushgate.db.user", test::user);
        properties.add("pushgate.db.password", test::password);
        properties.add("pushgate.keyset", TestKeyset::json);
        properties.add("pushgate.security.platform-issuer", () -> PLATFORM_ISSUER);
        properties.add(
                "pushgate.security.platform-jwks-uri", () -> PLATFORM.jwksUri().toString());
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    @Test
    void everyTenantReadAnswersA503ProblemWithRetryAfterWhileTheDatabaseIsAway() throws Exception {
        TestConfigurations.Inserted configuration;
        try (Connection connection = TestDatabase.get().connect()) {
            configuration = TestConfigurations.configuration().insert(connection);
        }
        UUID tenant = configuration.tenantId();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Map<String, DeliveryApiProblem> reads = new LinkedHashMap<>();
        reads.put("/v1/attention", DeliveryApiProblem.ATTENTION_UNAVAILABLE);
        reads.put("/v1/usage", DeliveryApiProblem.PLANS_UNAVAILABLE);
        reads.put("/v1/notifications", DeliveryApiProblem.NOTIFICATIONS_UNAVAILABLE);
        reads.put("/v1/notifications/" + UUID.randomUUID(), DeliveryApiProblem.NOTIFICATIONS_UNAVAILABLE);
        reads.put("/v1/stats", DeliveryApiProblem.NOTIFICATIONS_UNAVAILABLE);
        reads.put(
                "/v1/stats/series?step=1m&from=" + now.minus(Duration.ofHours(1)) + "&to=" + now,
                DeliveryApiProblem.NOTIFICATIONS_UNAVAILABLE);
        reads.put(
                "/v1/configurations/" + configuration.id() + "/refused-callbacks",
                DeliveryApiProblem.CALLBACK_LOG_UNAVAILABLE);
        reads.put(
                "/v1/configurations/" + configuration.id() + "/secret-usage",
                DeliveryApiProblem.CALLBACK_LOG_UNAVAILABLE);

        database.close();

        Map<String, String> answers = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();
        for (Map.Entry<String, DeliveryApiProblem> read : reads.entrySet()) {
            HttpResponse<String> answer = get(read.getKey(), tenant);
            String type = answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")
                    ? JSON.readTree(answer.body()).path("type").asString()
                    : answer.body();
            answers.put(
                    read.getKey(),
                    answer.statusCode() + " " + type + " Retry-After="
                            + answer.headers().firstValue("Retry-After").isPresent());
            expected.put(read.getKey(), "503 " + read.getValue().type() + " Retry-After=true");
        }
        assertThat(answers).isEqualTo(expected);
    }

    private HttpResponse<String> get(String path, UUID tenant) throws Exception {
        String token = PLATFORM.token()
                .audience("pushgate")
                .subject("member-1")
                .claim("tenant_id", tenant.toString())
                .scope(Scopes.TENANT_READ)
                .sign();
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
