package io.pushgate.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.pushgate.api.AxpSignature;
import io.pushgate.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The check behind every "nothing lost" figure of the benchmarks: {@link StoredEvents#missing} against
 * delivery-service's real schema, and the bench's answer when an accepted event has no row.
 */
class StoredEventsIntegrationTests {

    private static final Path DELIVERY_MIGRATIONS =
            Path.of("../../delivery-service/src/main/resources/db/migration/delivery");
    private static final Pattern FIELD = Pattern.compile("\"(eventId|sessionId)\":\"([^\"]+)\"");
    private static final String SECRET = "bench-secret";

    private HttpServer server;

    @TempDir
    Path folder;

    @BeforeAll
    static void deliverySchema() {
        TestDatabase database = TestDatabase.get();
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.user(), database.password())
                .schemas("delivery")
                .locations("filesystem:" + DELIVERY_MIGRATIONS.toAbsolutePath().normalize())
                .load()
                .migrate();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void countsTheAcceptedEventsThatHaveNoRow() throws SQLException {
        String stored = "stored-" + UUID.randomUUID();
        String missing = "missing-" + UUID.randomUUID();
        store(stored);

        Instant before = Instant.now().minus(StoredEvents.CLOCK_MARGIN);
        assertThat(StoredEvents.missing(database(), List.of(stored, missing), before))
                .isEqualTo(1);
        assertThat(StoredEvents.missing(database(), List.of(stored), before)).isZero();
    }

    @Test
    void looksOnlyAtRowsReceivedSinceTheRunBegan() throws SQLException {
        String stored = "stored-" + UUID.randomUUID();
        store(stored);

        assertThat(StoredEvents.missing(
                        database(), List.of(stored), Instant.now().plus(Duration.ofMinutes(5))))
                .as("a row received before the run's first acceptance is not the run's")
                .isEqualTo(1);
        long receivedMicros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        assertThat(StoredEvents.missing(
                        database(), List.of(stored), StoredEvents.since(java.util.Map.of(stored, receivedMicros))))
                .isZero();
    }

    @Test
    void aRunWhoseServerLosesAnAcceptedEventSaysSoAndExitsWithAFailure() throws Exception {
        startServer(true);

        Run run = bench();

        assertThat(run.status()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).containsPattern("lost: 1 of \\d+ accepted events have no row");
        assertThat(run.report().get("lost").asLong()).isEqualTo(1);
    }

    @Test
    void aRunWhoseServerStoresEveryAcceptedEventExitsCleanly() throws Exception {
        startServer(false);

        Run run = bench();

        assertThat(run.status()).as(run.output()).isZero();
        assertThat(run.output()).containsPattern("lost: 0 of \\d+ accepted events have no row");
        assertThat(run.report().get("lost").asLong()).isZero();
    }

    /** A callback server that stores every authentic event it accepts, but the first when {@code loseOne}. */
    private void startServer(boolean loseOne) throws IOException {
        AtomicBoolean lost = new AtomicBoolean(!loseOne);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/axp/callbacks/key", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher fields = FIELD.matcher(body);
            String eventId = null;
            String sessionId = null;
            while (fields.find()) {
                if (fields.group(1).equals("eventId")) {
                    eventId = fields.group(2);
                } else {
                    sessionId = fields.group(2);
                }
            }
            int status = 401;
            if (eventId != null
                    && sessionId != null
                    && AxpSignature.verify(
                            SECRET,
                            eventId,
                            sessionId,
                            exchange.getRequestHeaders().getFirst("x-hmac"))) {
                status = 202;
                if (!lost.compareAndSet(false, true)) {
                    try {
                        store(eventId);
                    } catch (SQLException e) {
                        status = 503;
                    }
                }
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    private Run bench() {
        TestDatabase database = TestDatabase.get();
        Path out = folder.resolve("result.json");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status = Bench.run(
                List.of(
                        "callbacks",
                        "--url",
                        "http://127.0.0.1:" + server.getAddress().getPort() + "/axp/callbacks/key",
                        "--secret",
                        SECRET,
                        "--rate",
                        "50",
                        "--duration",
                        "1s",
                        "--warmup",
                        "0s",
                        "--verify-db",
                        database.url(),
                        "--db-user",
                        database.user(),
                        "--db-password",
                        database.password(),
                        "--out",
                        out.toString()),
                new PrintStream(output, true, StandardCharsets.UTF_8),
                new PrintStream(output, true, StandardCharsets.UTF_8));
        return new Run(
                status,
                output.toString(StandardCharsets.UTF_8),
                out.toFile().exists() ? JsonMapper.builder().build().readTree(out.toFile()) : null);
    }

    private record Run(int status, String output, JsonNode report) {}

    private static BenchOptions.Database database() {
        TestDatabase database = TestDatabase.get();
        return new BenchOptions.Database(database.jdbcUrl(), database.user(), database.password());
    }

    /** A notification row for {@code eventId}, as the inbox writes one. */
    private static void store(String eventId) throws SQLException {
        try (Connection connection = TestDatabase.get().connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.notification (id, tenant_id, configuration_id, event_id, session_id, payload)
                        VALUES (?, ?, ?, ?, 'session', '{}'::jsonb)""")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setObject(2, UUID.randomUUID());
            insert.setObject(3, UUID.randomUUID());
            insert.setString(4, eventId);
            insert.executeUpdate();
        }
    }
}
