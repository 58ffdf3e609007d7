package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.AxpSignature;
import io.pushgate.api.secret.SecretCipher;
import io.pushgate.testkit.ServiceProbes;
import io.pushgate.testkit.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code ./pushgate up} as a user meets it: the packaged jar in its own process. */
class PushgateLauncherIntegrationTests {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration STOP = Duration.ofSeconds(30);
    /** A JVM ended by SIGTERM exits with 128 + 15 once its shutdown hooks have run, as every shell reports it. */
    private static final int STOPPED_BY_SIGTERM = 143;

    private static final Pattern UP = Pattern.compile("^(Pushgate is up in .*)$");
    private static final Pattern EMBEDDED_URL = Pattern.compile("embedded PostgreSQL (postgresql://\\S+) ");
    private static final Pattern SANDBOX_URL = Pattern.compile("^  sandbox\\s+(http://\\S+)");

    @TempDir
    Path home;

    @Test
    void runsAllThreeServicesOnAnEmbeddedDatabaseWhoseDataSurvivesARestart() throws Exception {
        Map<String, String> environment = environment();
        UUID tenantId = UUID.randomUUID();

        try (var first = LauncherProcess.start(environment)) {
            first.awaitOutput(UP, START);
            assertAllReady(environment);
            assertAppsRegisterWithPlatformTokens(environment);
            String database = first.awaitOutput(EMBEDDED_URL, Duration.ofSeconds(1));
            assertSandboxReceivesASignedCallback(
                    database,
                    Integer.parseInt(environment.get("PUSHGATE_DELIVERY_PORT")),
                    first.awaitOutput(SANDBOX_URL, Duration.ofSeconds(1)));
            try (var connection = DriverManager.getConnection(
                            "jdbc:" + database, "postgres", Files.readString(home.resolve("db-password")));
                    var insert = connection.prepareStatement("INSERT INTO tenancy.tenant (id, name) VALUES (?, ?)")) {
                insert.setObject(1, tenantId);
                insert.setString(2, "Survives restarts");
                insert.executeUpdate();
            }
            assertThat(first.stop(STOP)).isEqualTo(STOPPED_BY_SIGTERM);
            assertThat(first.stdout()).contains("Pushgate stopped.");
            assertThat(first.stderr()).isEmpty();
        }
        assertEmbeddedDatabaseStopped();
        String log = Files.readString(home.resolve("logs").resolve("pushgate.log"));
        assertThat(log)
                .as("the services' last lines reach the log: logging stops after them")
                .contains("Embedded PostgreSQL stopped");
        // the three services stopped, each gracefully, and only then the database they use
        assertThat(log.split("Graceful shutdown complete", -1))
                .as("graceful shutdowns in the log")
                .hasSize(4);
        assertThat(log.lastIndexOf("Graceful shutdown complete"))
                .as("the last service stopped before the database")
                .isLessThan(log.indexOf("Embedded PostgreSQL stopped"));
        Path keyset = home.resolve("keyset.json");
        assertThat(Files.getPosixFilePermissions(keyset))
                .as("the keyset is its owner's only")
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String keysetBefore = Files.readString(keyset);

        try (var second = LauncherProcess.start(environment)) {
            second.awaitOutput(UP, START);
            String database = second.awaitOutput(EMBEDDED_URL, Duration.ofSeconds(1));
            try (var connection = DriverManager.getConnection(
                            "jdbc:" + database, "postgres", Files.readString(home.resolve("db-password")));
                    var select = connection.prepareStatement("SELECT name FROM tenancy.tenant WHERE id = ?")) {
                select.setObject(1, tenantId);
                try (var rows = select.executeQuery()) {
                    assertThat(rows.next())
                            .as("the tenant written before the restart")
                            .isTrue();
                    assertThat(rows.getString(1)).isEqualTo("Survives restarts");
                }
            }
            assertThat(second.stop(STOP)).isEqualTo(STOPPED_BY_SIGTERM);
        }
        assertThat(Files.readString(keyset))
                .as("the keyset is kept, not replaced")
                .isEqualTo(keysetBefore);
    }

    @Test
    void usesTheConfiguredPostgresqlInsteadOfAnEmbeddedOne() throws Exception {
        TestDatabase database = TestDatabase.fresh(); // this platform's keyset is its own
        Map<String, String> environment = environment();
        environment.put("PUSHGATE_DB_URL", "jdbc:" + database.url());
        environment.put("PUSHGATE_DB_USER", database.user());
        environment.put("PUSHGATE_DB_PASSWORD", database.password());

        try (var launcher = LauncherProcess.start(environment)) {
            String up = launcher.awaitOutput(UP, START);
            assertThat(up).contains("PostgreSQL at " + database.url()).doesNotContain("embedded");
            assertAllReady(environment);
            try (var connection = database.connect();
                    var statement = connection.createStatement();
                    var rows = statement.executeQuery("SELECT count(*) FROM tenancy.flyway_schema_history"
                            + " UNION ALL SELECT count(*) FROM delivery.flyway_schema_history")) {
                while (rows.next()) {
                    assertThat(rows.getInt(1)).as("migrations applied").isPositive();
                }
            }
            assertThat(launcher.stop(STOP)).isEqualTo(STOPPED_BY_SIGTERM);
            assertThat(launcher.stdout()).contains("Pushgate stopped.");
        }
        assertThat(home.resolve("pgdata")).doesNotExist();
    }

    @Test
    void aSignalDuringTheStartStopsWhatHasStartedTheEmbeddedDatabaseToo() throws Exception {
        try (var launcher = LauncherProcess.start(environment())) {
            Path log = home.resolve("logs").resolve("pushgate.log");
            long deadline = System.nanoTime() + START.toNanos();
            while (!(Files.exists(log) && Files.readString(log).contains("Embedded PostgreSQL"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(Files.readString(log)).contains("Embedded PostgreSQL");

            // the services take seconds to start after the database: this lands in the middle
            assertThat(launcher.stop(STOP)).isEqualTo(STOPPED_BY_SIGTERM);
            assertThat(launcher.stdout())
                    .as("the signal came before the platform was up")
                    .noneMatch(line -> UP.matcher(line).find());
            assertThat(launcher.stdout()).contains("Pushgate stopped.");
            assertThat(launcher.stderr()).isEmpty();
        } finally {
            stopLeftoverDatabase();
        }
        assertEmbeddedDatabaseStopped();
    }

    @Test
    void aServiceThatDoesNotStartIsReportedInOneLineAndTheRestIsStopped() throws Exception {
        TestDatabase broken = TestDatabase.fresh();
        try (var connection = broken.connect();
                var statement = connection.createStatement()) {
            // a schema tenancy that Flyway did not make: tenant-service refuses to migrate it
            statement.execute("CREATE SCHEMA tenancy");
            statement.execute("CREATE TABLE tenancy.not_ours (id int)");
        }
        Map<String, String> environment = environment();
        environment.put("PUSHGATE_DB_URL", broken.url());
        environment.put("PUSHGATE_DB_USER", broken.user());
        environment.put("PUSHGATE_DB_PASSWORD", broken.password());

        assertFailsWithOneLine(environment, "pushgate: tenant-service did not start: ");
        assertThat(isListening(Integer.parseInt(environment.get("PUSHGATE_TENANT_PORT"))))
                .isFalse();
    }

    @Test
    void refusesAPortThatIsTakenWithOneLine() throws Exception {
        try (var taken = new ServerSocket(0)) {
            Map<String, String> environment = environment();
            environment.put("PUSHGATE_TENANT_PORT", Integer.toString(taken.getLocalPort()));

            assertFailsWithOneLine(environment, "port " + taken.getLocalPort() + " (tenant-service) is already in use");
        }
        assertThat(home.resolve("pgdata")).as("nothing was started").doesNotExist();
    }

    @Test
    void refusesAnUnreachableDatabaseWithOneLine() throws Exception {
        Map<String, String> environment = environment();
        environment.put("PUSHGATE_DB_URL", "postgresql://127.0.0.1:" + freePort() + "/pushgate");

        assertFailsWithOneLine(environment, "cannot use the PostgreSQL at postgresql://127.0.0.1:");
    }

    @Test
    void refusesAnUnknownDatabaseHostNamingIt() throws Exception {
        Map<String, String> environment = environment();
        environment.put("PUSHGATE_DB_URL", "postgresql://no-such-host.invalid:5432/pushgate");

        assertFailsWithOneLine(environment, "UnknownHostException: no-such-host.invalid");
    }

    @Test
    void refusesADatabaseUrlThatIsNotPostgresql() throws Exception {
        Map<String, String> environment = environment();
        environment.put("PUSHGATE_DB_URL", "mysql://admin:hunter2@db:3306/pushgate");

        String line = assertFailsWithOneLine(environment, "PUSHGATE_DB_URL must look like postgresql://");
        assertThat(line).as("credentials in the URL are not echoed").doesNotContain("hunter2");
    }

    @Test
    void refusesACorruptDataDirectoryWithOneLine() throws Exception {
        Files.createDirectories(home.resolve("pgdata"));
        Files.writeString(home.resolve("pgdata").resolve("notes.txt"), "not a database");

        assertFailsWithOneLine(environment(), "is not a PostgreSQL data directory");
    }

    @Test
    void refusesAPortThatIsNotANumber() throws Exception {
        Map<String, String> environment = environment();
        environment.put("PUSHGATE_PORTAL_PORT", "eighty");

        assertFailsWithOneLine(environment, "PUSHGATE_PORTAL_PORT must be a port number from 1 to 65535, not 'eighty'");
    }

    @Test
    void refusesAnUnusableKeysetWithOneLine() throws Exception {
        Map<String, String> environment = environment();
        environment.put("PUSHGATE_KEYSET", home.resolve("missing-keyset.json").toString());

        assertFailsWithOneLine(environment, "PUSHGATE_KEYSET: the keyset is neither Tink JSON nor a readable file");
    }

    private String assertFailsWithOneLine(Map<String, String> environment, String expected) throws Exception {
        try (var launcher = LauncherProcess.start(environment)) {
            assertThat(launcher.awaitExit(START)).isEqualTo(1);
            assertThat(launcher.stderr()).hasSize(1);
            String line = launcher.stderr().get(0);
            assertThat(line).startsWith("pushgate: ").contains(expected);
            return line;
        }
    }

    /** The embedded server is gone: PostgreSQL removes its {@code postmaster.pid} as it stops. */
    private void assertEmbeddedDatabaseStopped() {
        assertThat(home.resolve("pgdata").resolve("postmaster.pid"))
                .as("the embedded PostgreSQL stopped with the launcher")
                .doesNotExist();
    }

    /** Ends an embedded server that a failing test left running, so that it does not outlive the test. */
    private void stopLeftoverDatabase() throws IOException {
        Path pid = home.resolve("pgdata").resolve("postmaster.pid");
        if (Files.exists(pid)) {
            long postmaster = Long.parseLong(Files.readAllLines(pid).get(0).strip());
            ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroy);
        }
    }

    private static boolean isListening(int port) {
        try {
            new java.net.Socket(InetAddress.getLoopbackAddress(), port).close();
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static void assertAllReady(Map<String, String> environment) {
        ServiceProbes.assertLiveAndReady(Integer.parseInt(environment.get("PUSHGATE_DELIVERY_PORT")));
        ServiceProbes.assertLiveAndReady(Integer.parseInt(environment.get("PUSHGATE_TENANT_PORT")));
        ServiceProbes.assertLiveAndReady(Integer.parseInt(environment.get("PUSHGATE_PORTAL_PORT")));
        String portal = ServiceProbes.get(
                        URI.create("http://localhost:" + environment.get("PUSHGATE_PORTAL_PORT") + "/status"))
                .body();
        assertThat(portal).contains("All services are ready.");
        assertCallbacksNeedNoLogin(Integer.parseInt(environment.get("PUSHGATE_DELIVERY_PORT")));
    }

    /**
     * An app registers its device with an app client's token from tenant-service, which
     * delivery-service verifies against tenant-service's JWKS; without a token it gets a 401.
     */
    private static void assertAppsRegisterWithPlatformTokens(Map<String, String> environment) throws Exception {
        String tenant = "http://localhost:" + environment.get("PUSHGATE_TENANT_PORT");
        String delivery = "http://localhost:" + environment.get("PUSHGATE_DELIVERY_PORT");
        String email = "owner-" + UUID.randomUUID() + "@example.com";
        String password = "correct-horse-battery-staple-" + UUID.randomUUID();
        send(
                "POST",
                tenant + "/v1/signup",
                null,
                "{\"tenantName\":\"Launcher\",\"email\":\"" + email + "\",\"password\":\"" + password + "\"}",
                201);
        String admin = field(
                send(
                        "POST",
                        tenant + "/v1/auth/login",
                        null,
                        "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}",
                        200),
                "access_token");
        assertThePlanShowsTheDataPlanesUsage(tenant, admin);
        String configuration =
                field(send("POST", tenant + "/v1/configurations", admin, "{\"name\":\"Launcher app\"}", 201), "id");
        String configId = "axp-" + configuration;
        send(
                "PATCH",
                tenant + "/v1/configurations/" + configuration,
                admin,
                "{\"axpConfigurationId\":\"" + configId + "\"}",
                200);
        String client = send("POST", tenant + "/v1/app-clients", admin, "{\"name\":\"Launcher app\"}", 201);
        String credentials = java.util.Base64.getEncoder()
                .encodeToString((field(client, "clientId") + ":" + field(client, "clientSecret"))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpResponse<String> token = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(tenant + "/oauth2/token"))
                                .header("Authorization", "Basic " + credentials)
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        String registration = "{\"configId\":\"" + configId + "\",\"sessionId\":\"launcher-session\"}";
        String deviceToken = "launcher-device-token:APA91b-" + UUID.randomUUID();

        send(
                "PUT",
                delivery + "/custom-notification-connector/device-registrations/" + deviceToken,
                null,
                registration,
                401);
        String answer = send(
                "PUT",
                delivery + "/custom-notification-connector/device-registrations/" + deviceToken,
                field(token.body(), "access_token"),
                registration,
                200);
        assertThat(answer).contains(deviceToken).contains(configId);
    }

    /**
     * {@code GET /v1/plan} on tenant-service shows the usage of every limit of the plan: the control
     * plane's own and delivery-service's (asked with the member's token), each bucket the plan's size.
     */
    private static void assertThePlanShowsTheDataPlanesUsage(String tenant, String admin) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(tenant + "/v1/plan"))
                                .header("Authorization", "Bearer " + admin)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode plan = JsonMapper.builder().build().readTree(answer.body());
        JsonNode usage = plan.get("usage");
        assertThat(usage.get("apiCalls").get("limit").asLong())
                .isEqualTo(plan.get("apiCallsPerSecond").asLong());
        assertThat(usage.get("callbacks").get("limit").asLong())
                .as(answer.body())
                .isEqualTo(plan.get("callbackBurst").asLong());
        assertThat(usage.get("callbacks").get("backend").asString()).isEqualTo("local");
        assertThat(usage.get("registrations").get("limit").asLong())
                .isEqualTo(plan.get("registrationsPerSecond").asLong());
        assertThat(usage.get("deliveries").get("perCredential").asLong())
                .isEqualTo(plan.get("deliveriesPerSecondPerCredential").asLong());
    }

    private static String send(String method, String uri, String bearer, String json, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> answer =
                HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode())
                .as(method + " " + uri + ": " + answer.body())
                .isEqualTo(expected);
        return answer.body();
    }

    /** The string value of {@code name} in a flat JSON answer. */
    private static String field(String json, String name) {
        var matcher = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        assertThat(matcher.find()).as(name + " in " + json).isTrue();
        return matcher.group(1);
    }

    /**
     * The sandbox end to end: a tenant with a sandbox credential (rows written as tenant-service and
     * the registration API write them), a signed callback for a registered session, and the push on
     * the launcher's FCM emulator, in the tenant's sandbox project.
     */
    private void assertSandboxReceivesASignedCallback(String database, int deliveryPort, String sandboxUrl)
            throws Exception {
        SecretCipher cipher = SecretCipher.load(home.resolve("keyset.json").toString());
        UUID tenantId = UUID.randomUUID();
        UUID configurationId = UUID.randomUUID();
        UUID credentialId = UUID.randomUUID();
        String callbackKey = "sandbox-" + UUID.randomUUID();
        String secret = "secret-" + UUID.randomUUID();
        String deviceToken = "sandbox-device-" + UUID.randomUUID();
        try (var connection = DriverManager.getConnection(
                "jdbc:" + database, "postgres", Files.readString(home.resolve("db-password")))) {
            try (var tenant =
                    connection.prepareStatement("INSERT INTO tenancy.tenant (id, name) VALUES (?, 'Sandbox')")) {
                tenant.setObject(1, tenantId);
                tenant.executeUpdate();
            }
            try (var credential = connection.prepareStatement(
                    "INSERT INTO tenancy.credential (id, tenant_id, type, name, metadata, fingerprint)"
                            + " VALUES (?, ?, 'sandbox', 'Sandbox', '{}', 'sandbox')")) {
                credential.setObject(1, credentialId);
                credential.setObject(2, tenantId);
                credential.executeUpdate();
            }
            try (var configuration = connection.prepareStatement(
                    "INSERT INTO tenancy.configuration (id, tenant_id, name, callback_key, secret_ciphertext,"
                            + " default_android_credential_id) VALUES (?, ?, 'Sandbox', ?, ?, ?)")) {
                configuration.setObject(1, configurationId);
                configuration.setObject(2, tenantId);
                configuration.setString(3, callbackKey);
                configuration.setBytes(4, cipher.seal(secret, tenantId, configurationId));
                configuration.setObject(5, credentialId);
                configuration.executeUpdate();
            }
            try (var registration = connection.prepareStatement(
                    "INSERT INTO delivery.registration (id, tenant_id, configuration_id, device_token, session_id,"
                            + " platform, provider, expires_at) VALUES (?, ?, ?, ?, 'session-1', 'android', 'fcm',"
                            + " now() + interval '1 day')")) {
                registration.setObject(1, UUID.randomUUID());
                registration.setObject(2, tenantId);
                registration.setObject(3, configurationId);
                registration.setString(4, deviceToken);
                registration.executeUpdate();
            }
        }
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> accepted = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + deliveryPort + "/axp/callbacks/" + callbackKey))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .header(AxpSignature.HEADER, AxpSignature.sign(secret, "event-1", "session-1"))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"eventId\":\"event-1\",\"sessionId\":\"session-1\",\"conversationId\":\"c-1\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        URI messages = URI.create(sandboxUrl + "/emulator/fcm/messages?projectId=sandbox-" + tenantId);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String arrived = "";
        while (System.nanoTime() < deadline && !arrived.contains(deviceToken)) {
            Thread.sleep(100);
            arrived = http.send(HttpRequest.newBuilder(messages).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        }
        assertThat(arrived)
                .contains(deviceToken)
                .contains("\"eventId\":\"event-1\"")
                .contains("\"conversationId\":\"c-1\"");
    }

    /** AXP signs its callbacks and sends no credentials: an unknown key is a 404 problem, never a 401. */
    private static void assertCallbacksNeedNoLogin(int deliveryPort) {
        try {
            HttpResponse<String> answer = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://localhost:" + deliveryPort + "/axp/callbacks/no-such-key"))
                                    .timeout(Duration.ofSeconds(10))
                                    .header("Content-Type", "application/json")
                                    .header("X-hmac", "00".repeat(32))
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"eventId\":\"e\",\"sessionId\":\"s\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(404);
            assertThat(answer.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("POST to the callback path failed", e);
        }
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
