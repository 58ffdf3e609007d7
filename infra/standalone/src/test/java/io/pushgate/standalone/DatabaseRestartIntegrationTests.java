package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.AxpSignature;
import io.pushgate.api.secret.SecretCipher;
import io.pushgate.embeddedpg.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness as the README defines it — ready = started and not shutting down, whatever the database
 * says — while the database restarts: a real PostgreSQL (embedded, on a port of its own) stopped and
 * started again under two delivery-service processes and tenant-service. Every instance stays in its
 * load balancer (readiness 200), so AXP gets this service's 503 + {@code Retry-After} rather than
 * connection errors; the outage shows in {@code /actuator/health} and in {@code pushgate_database_up};
 * callbacks are accepted again once the database is back.
 */
class DatabaseRestartIntegrationTests {

    /** Five JVMs starting at once on two cores: minutes when other builds share the machine. */
    private static final Duration START = Duration.ofMinutes(8);

    private static final Pattern UP = Pattern.compile("^(Pushgate is up in .*)$");
    private static final Pattern INSTANCE = Pattern.compile("^\\s+delivery-service-\\d+\\s+(http://\\S+)");
    /** The line after the instances' lines: once it is out, they are too (they follow the "up" line). */
    private static final Pattern PORTAL = Pattern.compile("^  web-portal\\s+");

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @TempDir
    Path home;

    @TempDir
    Path databaseFolder;

    @Test
    void everyInstanceStaysReadyWhileTheDatabaseRestartsAndCallbacksGet503UntilItIsBack() throws Exception {
        String password = "restart-" + UUID.randomUUID();
        EmbeddedPostgres database = EmbeddedPostgres.start(
                databaseFolder.resolve("data"), databaseFolder.resolve("pg.log"), false, password);
        int databasePort = database.port();
        try {
            database.createDatabaseIfMissing("pushgate");
            Map<String, String> environment = environment();
            environment.put("PUSHGATE_DB_URL", database.url("pushgate"));
            environment.put("PUSHGATE_DB_PASSWORD", password);
            environment.put("PUSHGATE_DATABASE_CHECK_INTERVAL", "1s");
            int front = Integer.parseInt(environment.get("PUSHGATE_DELIVERY_PORT"));
            int tenant = Integer.parseInt(environment.get("PUSHGATE_TENANT_PORT"));

            try (var launcher = LauncherProcess.start(environment, List.of("--delivery-instances", "2"))) {
                launcher.awaitOutput(UP, START);
                launcher.awaitOutput(PORTAL, Duration.ofSeconds(10));
                List<URI> instances = launcher.stdout().stream()
                        .map(INSTANCE::matcher)
                        .filter(Matcher::find)
                        .map(matcher -> URI.create(matcher.group(1)))
                        .toList();
                assertThat(instances).hasSize(2);
                Callbacks callbacks = Callbacks.configure(database.url("pushgate"), password, home);
                assertThat(callbacks.send(front).statusCode()).isEqualTo(202);

                database.close();
                long outageEnds = System.nanoTime() + Duration.ofSeconds(8).toNanos();
                boolean sawOutageInHealth = false;
                boolean sawOutageInMetrics = false;
                while (System.nanoTime() < outageEnds) {
                    for (URI instance :
                            List.of(instances.get(0), instances.get(1), URI.create("http://127.0.0.1:" + tenant))) {
                        assertThat(get(instance, "/actuator/health/readiness").statusCode())
                                .as(instance + " stays ready while the database is down")
                                .isEqualTo(200);
                        assertThat(get(instance, "/actuator/health/liveness").statusCode())
                                .isEqualTo(200);
                    }
                    HttpResponse<String> health = get(instances.get(0), "/actuator/health");
                    if (health.statusCode() == 503 && health.body().contains("\"r2dbc\":{\"status\":\"DOWN\"")) {
                        sawOutageInHealth = true;
                    }
                    if (get(instances.get(1), "/actuator/prometheus").body().contains("pushgate_database_up 0.0")) {
                        sawOutageInMetrics = true;
                    }
                    HttpResponse<String> refused = callbacks.send(front);
                    assertThat(refused.statusCode())
                            .as("a callback while the database is down: " + refused.body())
                            .isEqualTo(503);
                    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
                    assertThat(refused.headers().firstValue("Content-Type"))
                            .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
                    assertThat(refused.body()).contains("https://pushgate.io/problems/callback-");
                    Thread.sleep(250);
                }
                assertThat(sawOutageInHealth)
                        .as("/actuator/health shows the database down")
                        .isTrue();
                assertThat(sawOutageInMetrics)
                        .as("pushgate_database_up shows the database down")
                        .isTrue();

                database = EmbeddedPostgres.start(
                        databaseFolder.resolve("data"),
                        databaseFolder.resolve("pg.log"),
                        false,
                        password,
                        databasePort);
                long backBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                int status = 0;
                while (System.nanoTime() < backBy && status != 202) {
                    status = callbacks.send(front).statusCode();
                    Thread.sleep(250);
                }
                assertThat(status).as("callbacks are accepted again").isEqualTo(202);
                for (URI instance : instances) {
                    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (System.nanoTime() < until
                            && !get(instance, "/actuator/prometheus").body().contains("pushgate_database_up 1.0")) {
                        Thread.sleep(250);
                    }
                    assertThat(get(instance, "/actuator/prometheus").body()).contains("pushgate_database_up 1.0");
                    assertThat(get(instance, "/actuator/health").statusCode()).isEqualTo(200);
                }
                launcher.stop(Duration.ofSeconds(90));
            }
        } finally {
            database.close();
        }
    }

    /** Signed callbacks to one configuration, written straight into the database as tenant-service writes it. */
    private record Callbacks(String callbackKey, String secret) {

        static Callbacks configure(String url, String password, Path home) throws Exception {
            SecretCipher cipher = SecretCipher.load(home.resolve("keyset.json").toString());
            UUID tenantId = UUID.randomUUID();
            UUID configurationId = UUID.randomUUID();
            String callbackKey = "restart-" + UUID.randomUUID();
            String secret = "secret-" + UUID.randomUUID();
            try (var connection = DriverManager.getConnection("jdbc:" + url, "postgres", password)) {
                try (var insert =
                        connection.prepareStatement("INSERT INTO tenancy.tenant (id, name) VALUES (?, 'Restart')")) {
                    insert.setObject(1, tenantId);
                    insert.executeUpdate();
                }
                try (var insert = connection.prepareStatement(
                        "INSERT INTO tenancy.configuration (id, tenant_id, name, callback_key, secret_ciphertext)"
                                + " VALUES (?, ?, 'Restart', ?, ?)")) {
                    insert.setObject(1, configurationId);
                    insert.setObject(2, tenantId);
                    insert.setString(3, callbackKey);
                    insert.setBytes(4, cipher.seal(secret, tenantId, configurationId));
                    insert.executeUpdate();
                }
            }
            return new Callbacks(callbackKey, secret);
        }

        HttpResponse<String> send(int port) throws Exception {
            String eventId = UUID.randomUUID().toString();
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/axp/callbacks/" + callbackKey))
                            .timeout(Duration.ofSeconds(20))
                            .header("Content-Type", "application/json")
                            .header(AxpSignature.HEADER, AxpSignature.sign(secret, eventId, "session-1"))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"eventId\":\"" + eventId + "\",\"sessionId\":\"session-1\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static HttpResponse<String> get(URI base, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, String> environment() throws IOException {
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < 3) {
            ports.add(freePort());
        }
        Iterator<Integer> port = ports.iterator();
        Map<String, String> environment = new HashMap<>();
        environment.put("PUSHGATE_HOME", home.toString());
        environment.put("PUSHGATE_DELIVERY_PORT", port.next().toString());
        environment.put("PUSHGATE_TENANT_PORT", port.next().toString());
        environment.put("PUSHGATE_PORTAL_PORT", port.next().toString());
        return environment;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
