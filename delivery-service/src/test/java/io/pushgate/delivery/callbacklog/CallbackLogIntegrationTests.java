package io.pushgate.delivery.callbacklog;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.AxpSignature;
import io.pushgate.api.Scopes;
import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/configurations/{id}/refused-callbacks} and {@code …/secret-usage} over real HTTP,
 * with callbacks sent for real: every refusal reason, a flood that writes a bounded number of rows,
 * paging, another tenant's configuration, nothing secret in the table, exact counts per secret. The
 * flush interval is an hour here: each test flushes itself, so that what a flush writes is exact.
 */
@DeliveryServiceTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "pushgate.security.allow-loopback-jwks=true",
            "pushgate.security.jwks-refresh-interval=0s",
            "pushgate.configuration.cache-ttl=1h",
            "pushgate.callback-log.flush-interval=1h",
            "pushgate.callback-log.samples-per-flush=10",
            "pushgate.callback-log.keep=100"
        })
class CallbackLogIntegrationTests {

    static final String PLATFORM_ISSUER = "http://platform.pushgate.test";
    static final TestIssuer PLATFORM = TestIssuer.ec(PLATFORM_ISSUER);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @LocalServerPort
    int port;

    @Autowired
    CallbackLogFlusher flusher;

    TestConfigurations.Inserted configuration;

    @DynamicPropertySource
    static void platform(DynamicPropertyRegistry registry) {
        registry.add("pushgate.security.platform-issuer", () -> PLATFORM_ISSUER);
        registry.add(
                "pushgate.security.platform-jwks-uri", () -> PLATFORM.jwksUri().toString());
    }

    @BeforeEach
    void newConfiguration() throws SQLException {
        flusher.flush().block(Duration.ofSeconds(10)); // nothing of another test's
        configuration = insert(TestConfigurations.configuration());
    }

    @Test
    void eachReasonIsLoggedWithItsCodeSourceAddressAndHintWhenSentForReal() throws Exception {
        String eventId = "event-" + UUID.randomUUID();
        String sessionId = "session-" + UUID.randomUUID();
        String body = event(eventId, sessionId);
        assertThat(callback(configuration.callbackKey(), "application/json", null, body))
                .isEqualTo(401);
        assertThat(callback(configuration.callbackKey(), "application/json", "not-hex", body))
                .isEqualTo(401);
        assertThat(callback(
                        configuration.callbackKey(),
                        "application/json",
                        AxpSignature.sign("another secret", eventId, sessionId),
                        body))
                .isEqualTo(401);
        assertThat(callback(
                        configuration.callbackKey(),
                        "text/plain",
                        AxpSignature.sign(configuration.secret(), eventId, sessionId),
                        body))
                .isEqualTo(415);
        assertThat(callback(
                        configuration.callbackKey(),
                        "application/json",
                        AxpSignature.sign(configuration.secret(), eventId, sessionId),
                        "{\"eventId\":\"" + eventId + "\"}"))
                .isEqualTo(400);
        assertThat(callback(
                        configuration.callbackKey(),
                        "application/json",
                        AxpSignature.sign(configuration.secret(), eventId, sessionId),
                        "{\"eventId\":\"" + eventId + "\",\"sessionId\":\"" + sessionId + "\",\"x\":"))
                .isEqualTo(400);
        assertThat(callback(
                        configuration.callbackKey(),
                        "application/json",
                        AxpSignature.sign(configuration.secret(), eventId, sessionId),
                        "{\"eventId\":\"" + eventId + "\",\"sessionId\":\"" + sessionId + "\",\"pad\":\""
                                + "x".repeat(70_000) + "\"}"))
                .isEqualTo(413);
        String old = "old-secret-" + UUID.randomUUID();
        TestConfigurations.Inserted rotated = insert(TestConfigurations.configuration()
                .previousSecret(old, Instant.now().minusSeconds(60)));
        assertThat(callback(
                        rotated.callbackKey(), "application/json", AxpSignature.sign(old, eventId, sessionId), body))
                .isEqualTo(401);
        TestConfigurations.Inserted disabled =
                insert(TestConfigurations.configuration().disabled());
        assertThat(callback(
                        disabled.callbackKey(),
                        "application/json",
                        AxpSignature.sign(disabled.secret(), eventId, sessionId),
                        body))
                .isEqualTo(404);

        // the 415 and the 413 are refused before the look-up: their configuration is found after the answer
        eventually(() -> items(configuration).size() == 7);
        List<JsonNode> items = items(configuration);
        assertThat(items.stream().map(item -> item.get("reason").stringValue()))
                .containsExactly(
                        "too-large",
                        "malformed-event",
                        "malformed-event",
                        "unsupported-media-type",
                        "signature-mismatch",
                        "signature-malformed",
                        "signature-missing");
        assertThat(items).allSatisfy(item -> {
            assertThat(item.get("sourceIp").stringValue()).isEqualTo("127.0.0.1");
            assertThat(item.get("hint").stringValue()).isNotBlank();
            assertThat(Instant.parse(item.get("at").stringValue()))
                    .isAfter(Instant.now().minusSeconds(120));
            assertThat(item.properties().stream().map(Map.Entry::getKey))
                    .containsExactlyInAnyOrder("at", "sourceIp", "reason", "hint");
        });
        assertThat(items.get(1).get("hint").stringValue())
                .as("a malformed event's hint says nothing of a field it cannot name")
                .doesNotContain("field \"");
        assertThat(items.get(2).get("hint").stringValue()).contains("field \"sessionId\"");
        assertThat(items.get(4).get("hint").stringValue()).contains("rotate it here and paste the new one");
        assertThat(items(rotated))
                .singleElement()
                .satisfies(item -> assertThat(item.get("reason").stringValue()).isEqualTo("signature-expired-secret"));
        assertThat(items(disabled))
                .singleElement()
                .satisfies(item -> assertThat(item.get("reason").stringValue()).isEqualTo("configuration-disabled"));
    }

    @Test
    void theSourceAddressIsTheClientATrustedProxyNamedAndNoOtherPeersClaim() throws Exception {
        // the test's requests come from loopback, which pushgate.trusted-proxies trusts by default
        assertThat(callback(
                        configuration.callbackKey(),
                        "application/json",
                        null,
                        event("e", "s"),
                        "X-Forwarded-For",
                        "198.51.100.23, 203.0.113.7"))
                .isEqualTo(401);
        assertThat(items(configuration))
                .singleElement()
                .satisfies(item -> assertThat(item.get("sourceIp").stringValue())
                        .as("the right-most address a trusted proxy added")
                        .isEqualTo("203.0.113.7"));
    }

    @Test
    void aFloodOfTwoThousandBadCallbacksWritesABoundedNumberOfRowsAndKeepsTheNewest() throws Exception {
        long before = lastId();
        String sessionId = "session-flood";
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20; round++) {
                List<Future<Integer>> sent = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String eventId = "flood-" + round + "-" + i;
                    sent.add(senders.submit(() -> callback(
                            configuration.callbackKey(),
                            "application/json",
                            AxpSignature.sign("a wrong secret", eventId, sessionId),
                            event(eventId, sessionId))));
                }
                for (Future<Integer> status : sent) {
                    assertThat(status.get()).isEqualTo(401);
                }
                flush();
            }
        } finally {
            senders.shutdownNow();
        }

        long written = lastId() - before;
        assertThat(written)
                .as("2,000 refusals in 20 flushes: samples-per-flush (10) rows each, no more")
                .isEqualTo(20 * 10);
        assertThat(count(configuration.id()))
                .as("the log keeps the newest 100 of the configuration")
                .isEqualTo(100);
        List<JsonNode> all = allPages(configuration, 100);
        assertThat(all).hasSize(100);
    }

    @Test
    void pagesAreNewestFirstAndNeitherRepeatNorSkip() throws Exception {
        for (int i = 0; i < 25; i++) {
            assertThat(callback(configuration.callbackKey(), "application/json", null, event("e" + i, "s")))
                    .isEqualTo(401);
            if (i % 5 == 4) {
                flush();
            }
        }
        List<JsonNode> pages = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = JSON.readTree(get(
                            "/v1/configurations/" + configuration.id() + "/refused-callbacks?limit=10"
                                    + (cursor == null ? "" : "&cursor=" + cursor),
                            reader(configuration.tenantId()),
                            200)
                    .body());
            sizes.add(page.get("items").size());
            page.get("items").forEach(pages::add);
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").stringValue();
        } while (cursor != null);

        assertThat(sizes).containsExactly(10, 10, 5);
        List<Instant> times = pages.stream()
                .map(item -> Instant.parse(item.get("at").stringValue()))
                .toList();
        assertThat(times)
                .as("every stored refusal once, newest first")
                .containsExactlyElementsOf(storedTimes(configuration.id()))
                .doesNotHaveDuplicates();

        assertThat(get(
                                "/v1/configurations/" + configuration.id() + "/refused-callbacks?cursor=nonsense",
                                reader(configuration.tenantId()),
                                400)
                        .body())
                .contains(DeliveryApiProblem.INVALID_FIELD.type().toString())
                .contains("cursor");
        get(
                "/v1/configurations/" + configuration.id() + "/refused-callbacks?limit=101",
                reader(configuration.tenantId()),
                400);
    }

    @Test
    void anotherTenantsConfigurationIsA404IdenticalToAnUnknownOne() throws Exception {
        assertThat(callback(configuration.callbackKey(), "application/json", null, event("e", "s")))
                .isEqualTo(401);
        flush();
        TestConfigurations.Inserted theirs = insert(TestConfigurations.configuration());
        String stranger = reader(theirs.tenantId());

        for (String path : List.of("/refused-callbacks", "/secret-usage")) {
            String foreign = get("/v1/configurations/" + configuration.id() + path, stranger, 404)
                    .body();
            String unknown = get("/v1/configurations/" + UUID.randomUUID() + path, stranger, 404)
                    .body();
            String notAnId =
                    get("/v1/configurations/not-an-id" + path, stranger, 404).body();
            assertThat(foreign)
                    .contains(DeliveryApiProblem.NOT_FOUND.type().toString())
                    .isEqualTo(unknown)
                    .isEqualTo(notAnId)
                    .doesNotContain(configuration.id().toString());
            get("/v1/configurations/" + configuration.id() + path, null, 401);
            get(
                    "/v1/configurations/" + configuration.id() + path,
                    token(configuration.tenantId()).scope(Scopes.REGISTRATIONS).sign(),
                    403);
        }
        assertThat(items(configuration)).hasSize(1);
    }

    @Test
    void neitherTheSignatureNorTheBodyIsStored() throws Exception {
        String eventId = "event-" + UUID.randomUUID();
        String sessionId = "session-" + UUID.randomUUID();
        String customer = "customer-" + UUID.randomUUID();
        String wrong = AxpSignature.sign("a wrong secret", eventId, sessionId);
        String body = "{\"eventId\":\"" + eventId + "\",\"sessionId\":\"" + sessionId + "\",\"customerId\":\""
                + customer + "\"}";
        assertThat(callback(configuration.callbackKey(), "application/json", wrong, body))
                .isEqualTo(401);
        String right = AxpSignature.sign(configuration.secret(), eventId, sessionId);
        assertThat(callback(
                        configuration.callbackKey(),
                        "application/json",
                        right,
                        "{\"eventId\":\"" + eventId + "\",\"sessionId\":\"" + sessionId + "\",\"conversationId\":\""
                                + customer + "\",\"customerId\":7}"))
                .isEqualTo(400);
        flush();

        try (Connection connection = TestDatabase.get().connect()) {
            List<String> columns = new ArrayList<>();
            try (var rows = connection
                    .prepareStatement("SELECT column_name FROM information_schema.columns WHERE table_schema ="
                            + " 'delivery' AND table_name = 'refused_callback' ORDER BY ordinal_position")
                    .executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
            assertThat(columns)
                    .containsExactly("id", "tenant_id", "configuration_id", "at", "source_ip", "reason", "field");
            List<String> stored = new ArrayList<>();
            try (var select = connection.prepareStatement(
                    "SELECT r::text FROM delivery.refused_callback r WHERE configuration_id = ? ORDER BY id")) {
                select.setObject(1, configuration.id());
                try (var rows = select.executeQuery()) {
                    while (rows.next()) {
                        stored.add(rows.getString(1));
                    }
                }
            }
            assertThat(stored).hasSize(2);
            assertThat(String.join("\n", stored))
                    .doesNotContain(wrong)
                    .doesNotContain(right)
                    .doesNotContain(configuration.secret())
                    .doesNotContain(eventId)
                    .doesNotContain(sessionId)
                    .as("of a malformed event, only the field's name")
                    .contains(",customerId)");
        }
    }

    @Test
    void secretUsageCountsEachSecretExactlySinceTheRotation() throws Exception {
        String old = "old-secret-" + UUID.randomUUID();
        Instant validUntil = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MICROS);
        TestConfigurations.Inserted rotated =
                insert(TestConfigurations.configuration().previousSecret(old, validUntil));
        String reader = reader(rotated.tenantId());
        JsonNode none = usage(rotated, reader);
        assertThat(none.get("current").asLong()).isZero();
        assertThat(none.get("previous").asLong()).isZero();
        assertThat(Instant.parse(none.get("previousValidUntil").stringValue())).isEqualTo(validUntil);
        assertThat(none.get("lastPreviousAt").isNull()).isTrue();

        // three rounds of 100 from 8 senders, while another thread flushes again and again: none lost, none twice
        ExecutorService senders = Executors.newFixedThreadPool(8);
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread flushing = new Thread(() -> {
            while (sending.get()) {
                flush();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        flushing.start();
        try {
            for (int round = 0; round < 3; round++) {
                List<Future<Integer>> sent = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String eventId = "usage-" + UUID.randomUUID();
                    String secret = i % 3 == 0 ? old : rotated.secret();
                    sent.add(senders.submit(() -> callback(
                            rotated.callbackKey(),
                            "application/json",
                            AxpSignature.sign(secret, eventId, "s"),
                            event(eventId, "s"))));
                }
                for (Future<Integer> status : sent) {
                    assertThat(status.get()).isEqualTo(202);
                }
            }
        } finally {
            sending.set(false);
            flushing.join();
            senders.shutdownNow();
        }
        // refused callbacks count for neither secret
        assertThat(callback(
                        rotated.callbackKey(),
                        "application/json",
                        AxpSignature.sign("wrong", "w", "s"),
                        event("w", "s")))
                .isEqualTo(401);
        flush();

        JsonNode usage = usage(rotated, reader);
        assertThat(usage.get("current").asLong()).isEqualTo(3 * 66);
        assertThat(usage.get("previous").asLong()).isEqualTo(3 * 34);
        assertThat(Instant.parse(usage.get("lastPreviousAt").stringValue()))
                .isBetween(Instant.now().minusSeconds(120), Instant.now());
        assertThat(usage.properties().stream().map(Map.Entry::getKey))
                .containsExactlyInAnyOrder("current", "previous", "previousValidUntil", "lastPreviousAt");

        // the previous secret expired early (as tenant-service's expire-previous does): counting starts again
        try (Connection connection = TestDatabase.get().connect();
                var expire = connection.prepareStatement("UPDATE tenancy.configuration SET"
                        + " previous_secret_ciphertext = NULL, previous_secret_valid_until = NULL WHERE id = ?")) {
            expire.setObject(1, rotated.id());
            expire.executeUpdate();
            try (var notify = connection.prepareStatement("SELECT pg_notify('pushgate_tenancy_changed', ?)")) {
                notify.setString(
                        1,
                        "{\"kind\":\"configuration\",\"id\":\"" + rotated.id() + "\",\"tenantId\":\""
                                + rotated.tenantId() + "\"}");
                notify.execute();
            }
        }
        JsonNode expired = usage(rotated, reader);
        assertThat(expired.get("current").asLong()).isZero();
        assertThat(expired.get("previousValidUntil").isNull()).isTrue();
        eventually(() -> {
            String eventId = "after-" + UUID.randomUUID();
            return callback(
                            rotated.callbackKey(),
                            "application/json",
                            AxpSignature.sign(old, eventId, "s"),
                            event(eventId, "s"))
                    == 401;
        });
        String eventId = "after-" + UUID.randomUUID();
        assertThat(callback(
                        rotated.callbackKey(),
                        "application/json",
                        AxpSignature.sign(rotated.secret(), eventId, "s"),
                        event(eventId, "s")))
                .isEqualTo(202);
        flush();
        JsonNode after = usage(rotated, reader);
        assertThat(after.get("current").asLong()).isEqualTo(1);
        assertThat(after.get("previous").asLong()).isZero();
        assertThat(rows("SELECT count(*) FROM delivery.secret_usage WHERE configuration_id = ?", rotated.id()))
                .as("the finished rotation's counts are deleted")
                .isEqualTo(1);
    }

    // --- helpers

    private JsonNode usage(TestConfigurations.Inserted of, String token) throws Exception {
        return JSON.readTree(get("/v1/configurations/" + of.id() + "/secret-usage", token, 200)
                .body());
    }

    private List<JsonNode> items(TestConfigurations.Inserted of) {
        try {
            flush();
            return allPages(of, 100);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<JsonNode> allPages(TestConfigurations.Inserted of, int limit) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = JSON.readTree(get(
                            "/v1/configurations/" + of.id() + "/refused-callbacks?limit=" + limit
                                    + (cursor == null ? "" : "&cursor=" + cursor),
                            reader(of.tenantId()),
                            200)
                    .body());
            page.get("items").forEach(items::add);
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").stringValue();
        } while (cursor != null);
        return items;
    }

    private void flush() {
        flusher.flush().block(Duration.ofSeconds(30));
    }

    private static String event(String eventId, String sessionId) {
        return "{\"eventId\":\"" + eventId + "\",\"sessionId\":\"" + sessionId + "\"}";
    }

    private int callback(String callbackKey, String contentType, String signature, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/axp/callbacks/" + callbackKey))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header(AxpSignature.HEADER, signature);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build()).statusCode();
    }

    private HttpResponse<String> get(String path, String token, int expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = send(request.build());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(expected);
        return response;
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A member's admin token of {@code tenantId} with scope tenant.read, as tenant-service mints it. */
    private static String reader(UUID tenantId) {
        return token(tenantId).scope(Scopes.TENANT_READ).sign();
    }

    private static TestIssuer.Token token(UUID tenantId) {
        return PLATFORM.token().audience("pushgate").subject("member-1").claim("tenant_id", tenantId.toString());
    }

    private static TestConfigurations.Inserted insert(TestConfigurations.Builder builder) throws SQLException {
        try (Connection connection = TestDatabase.get().connect()) {
            return builder.insert(connection);
        }
    }

    /** The identity of the last refused callback written: every row written takes the next one. */
    private static long lastId() throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var rows = connection
                        .prepareStatement("SELECT COALESCE(max(id), 0) FROM delivery.refused_callback")
                        .executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static long count(UUID configurationId) throws SQLException {
        return rows("SELECT count(*) FROM delivery.refused_callback WHERE configuration_id = ?", configurationId);
    }

    /** The stored refusals' times of a configuration, newest first. */
    private static List<Instant> storedTimes(UUID configurationId) throws SQLException {
        List<Instant> times = new ArrayList<>();
        try (Connection connection = TestDatabase.get().connect();
                var select = connection.prepareStatement("SELECT at FROM delivery.refused_callback"
                        + " WHERE configuration_id = ? ORDER BY at DESC, id DESC")) {
            select.setObject(1, configurationId);
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    times.add(rows.getTimestamp(1).toInstant());
                }
            }
        }
        return times;
    }

    private static long rows(String sql, Object parameter) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var select = connection.prepareStatement(sql)) {
            select.setObject(1, parameter);
            try (var rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 10 s for the condition").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
