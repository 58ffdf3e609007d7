package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.AxpSignature;
import io.pushgate.api.secret.SecretCipher;
import io.pushgate.embeddedpg.EmbeddedPostgres;
import io.pushgate.testkit.ServiceProbes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./pushgate up --delivery-instances 3}: a JVM per service, three delivery-service processes on
 * one PostgreSQL behind one port — a real PostgreSQL of the test's own (embedded, on a port of its
 * own), so that it can be stopped and started again under them. One launcher serves three tests (a
 * cluster start is five JVMs starting at once on two cores: a minute or more), in this order, each
 * waiting first until every instance is ready, whatever ran before it:
 *
 * <ol>
 *   <li>The AXP simulator ({@code ./pushgate bench callbacks}, its jar in a process of its own) sends
 *       signed callbacks for registered devices while one instance is killed with {@code kill -9},
 *       then while another is stopped gracefully. The sandbox FCM emulator's record is what counts:
 *       every accepted callback pushed, none twice — but for a push with a recorded cause: the
 *       killed process had it in flight (sent, its outcome not yet written: the simulator finds it
 *       unfinished in the database right after the kill), or a send of it timed out and was retried
 *       (an attempt {@code retry/timeout} in the database: on a machine starved by other work). The
 *       full run (2,000 callbacks/s for 60 s) is the benchmark in docs/PERFORMANCE.md; this is its
 *       short form.
 *   <li>Readiness as the README defines it — ready = started and not shutting down, whatever the
 *       database says — while the database restarts: every instance (and tenant-service) stays in
 *       its load balancer (readiness 200), so AXP gets this service's 503 + {@code Retry-After}
 *       rather than connection errors; the outage shows in {@code /actuator/health} and in {@code
 *       pushgate_database_up}; callbacks are accepted again once the database is back.
 *   <li>SIGTERM to the launcher stops every instance with it.
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiInstanceIntegrationTests {

    /** Five JVMs starting at once on two cores: minutes when other builds share the machine. */
    private static final Duration START = Duration.ofMinutes(8);

    private static final Duration STOP = Duration.ofSeconds(90);
    private static final int STOPPED_BY_SIGTERM = 143;
    private static final int INSTANCES = 3;
    private static final Pattern UP = Pattern.compile("^(Pushgate is up in .*)$");
    private static final Pattern SANDBOX_URL = Pattern.compile("^  sandbox\\s+(http://\\S+)");
    private static final Pattern INSTANCE = Pattern.compile("^\\s+delivery-service-\\d+\\s+(http://\\S+)");
    /** The line after the instances' lines: once it is out, they are too (they follow the "up" line). */
    private static final Pattern PORTAL = Pattern.compile("^  web-portal\\s+");

    private static final Path LOADGEN =
            Path.of(System.getProperty("pushgate.loadgen.jar", "../loadgen/target/pushgate-loadgen.jar"));

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @TempDir
    static Path home;

    @TempDir
    static Path databaseFolder;

    static final String PASSWORD = "cluster-" + UUID.randomUUID();
    static EmbeddedPostgres database;
    static int databasePort;
    static Map<String, String> environment;
    static LauncherProcess launcher;
    /** The instances' own addresses, behind the front. */
    static List<URI> instances;

    @BeforeAll
    static void startCluster() throws Exception {
        database = EmbeddedPostgres.start(
                databaseFolder.resolve("data"), databaseFolder.resolve("pg.log"), false, PASSWORD);
        databasePort = database.port();
        database.createDatabaseIfMissing("pushgate");
        environment = environment();
        environment.put("PUSHGATE_DB_URL", database.url("pushgate"));
        environment.put("PUSHGATE_DB_PASSWORD", PASSWORD);
        // a killed instance's new rows go to the others after this lease (30 s by default)
        environment.put("PUSHGATE_INBOX_LEASE", "5s");
        // the database's outage shows within a second
        environment.put("PUSHGATE_DATABASE_CHECK_INTERVAL", "1s");
        launcher = LauncherProcess.start(environment, List.of("--delivery-instances", Integer.toString(INSTANCES)));
        launcher.awaitOutput(UP, START);
        launcher.awaitOutput(PORTAL, Duration.ofSeconds(10));
        instances = launcher.stdout().stream()
                .map(INSTANCE::matcher)
                .filter(Matcher::find)
                .map(matcher -> URI.create(matcher.group(1)))
                .toList();
        assertThat(instances).hasSize(INSTANCES);
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (launcher != null) {
                launcher.close();
            }
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }

    @Test
    @Order(1)
    void threeInstancesPushEveryAcceptedCallbackOnceThroughAKillAndAGracefulStop() throws Exception {
        awaitEveryInstanceReady();
        int tenantPort = Integer.parseInt(environment.get("PUSHGATE_TENANT_PORT"));
        String sandbox = launcher.awaitOutput(SANDBOX_URL, Duration.ofSeconds(1));
        ServiceProbes.assertLiveAndReady(Integer.parseInt(environment.get("PUSHGATE_DELIVERY_PORT")));
        ServiceProbes.assertLiveAndReady(tenantPort);
        ServiceProbes.assertLiveAndReady(Integer.parseInt(environment.get("PUSHGATE_PORTAL_PORT")));
        Path killed = home.resolve("run").resolve("delivery-service-2.pid");
        Path stopped = home.resolve("run").resolve("delivery-service-3.pid");
        long killedPid = pid(killed);
        long stoppedPid = pid(stopped);
        assertThat(Set.of(killedPid, stoppedPid, pid(home.resolve("run").resolve("delivery-service-1.pid"))))
                .as("three processes")
                .hasSize(3);

        String kill = bench(tenantPort, sandbox, "--kill", killed, "kill.json");
        report("kill -9", kill);
        assertThat(kill).contains("\"kind\" : \"kill -9\"").contains("\"pid\" : " + killedPid);
        assertEveryAcceptedPushArrived(kill);
        assertThat(number(kill, "duplicated") - number(kill, "duplicatedWithCause"))
                .as("pushes sent twice that neither the kill nor a recorded time-out explains")
                .isZero();
        awaitRestarted(launcher, "delivery-service-2", killed, killedPid);

        String stop = bench(tenantPort, sandbox, "--stop", stopped, "stop.json");
        report("graceful stop", stop);
        assertThat(stop).contains("\"kind\" : \"graceful stop (SIGTERM)\"");
        assertEveryAcceptedPushArrived(stop);
        // a graceful stop causes no second push: only a send that timed out (recorded as such) may be
        // sent again, and on an unloaded machine none does
        assertThat(number(stop, "duplicated") - number(stop, "duplicatedWithCause"))
                .as("pushes sent twice after a graceful stop without a recorded cause")
                .isZero();
        awaitRestarted(launcher, "delivery-service-3", stopped, stoppedPid);
    }

    @Test
    @Order(2)
    void everyInstanceStaysReadyWhileTheDatabaseRestartsAndCallbacksGet503UntilItIsBack() throws Exception {
        awaitEveryInstanceReady();
        int front = Integer.parseInt(environment.get("PUSHGATE_DELIVERY_PORT"));
        int tenant = Integer.parseInt(environment.get("PUSHGATE_TENANT_PORT"));
        Callbacks callbacks = Callbacks.configure(database.url("pushgate"), PASSWORD, home);
        assertThat(callbacks.send(front).statusCode()).isEqualTo(202);

        database.close();
        try {
            long outageEnds = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            boolean sawOutageInHealth = false;
            boolean sawOutageInMetrics = false;
            List<URI> services = new ArrayList<>(instances);
            services.add(URI.create("http://127.0.0.1:" + tenant));
            while (System.nanoTime() < outageEnds) {
                for (URI service : services) {
                    assertThat(get(service, "/actuator/health/readiness").statusCode())
                            .as(service + " stays ready while the database is down")
                            .isEqualTo(200);
                    assertThat(get(service, "/actuator/health/liveness").statusCode())
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
        } finally {
            // started again where the services look for it, even when an assertion above failed
            database = EmbeddedPostgres.start(
                    databaseFolder.resolve("data"), databaseFolder.resolve("pg.log"), false, PASSWORD, databasePort);
        }
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
    }

    @Test
    @Order(3)
    void sigtermToTheLauncherStopsEveryInstance() throws Exception {
        awaitEveryInstanceReady();
        List<String> services = new ArrayList<>(List.of("tenant-service", "web-portal"));
        for (int i = 1; i <= INSTANCES; i++) {
            services.add("delivery-service-" + i);
        }
        Map<Path, Long> pids = new HashMap<>();
        for (String name : services) {
            Path pidFile = home.resolve("run").resolve(name + ".pid");
            pids.put(pidFile, pid(pidFile));
        }
        assertThat(pids.values())
                .allSatisfy(
                        pid -> assertThat(alive(pid)).as("pid " + pid + " runs").isTrue());

        assertThat(launcher.stop(STOP)).isEqualTo(STOPPED_BY_SIGTERM);

        assertThat(launcher.stdout()).contains("Pushgate stopped.");
        pids.forEach((pidFile, pid) -> {
            // the process, not only its file: the launcher deletes a pid file only once its process is gone
            assertThat(alive(pid))
                    .as(pidFile.getFileName() + ": process " + pid + " gone with the launcher")
                    .isFalse();
            assertThat(pidFile).as("its pid file deleted").doesNotExist();
        });
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Every instance answers its readiness probe: after a kill or a stop, the launcher's new process
     * may still be starting (up to {@link #START} on a busy machine).
     */
    private static void awaitEveryInstanceReady() throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        for (URI instance : instances) {
            while (!ready(instance)) {
                assertThat(System.nanoTime())
                        .as(instance + " ready within " + START)
                        .isLessThan(deadline);
                Thread.sleep(250);
            }
        }
    }

    private static boolean ready(URI instance) throws InterruptedException {
        try {
            return get(instance, "/actuator/health/readiness").statusCode() == 200;
        } catch (IOException notListening) {
            return false;
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

    private static HttpResponse<String> get(URI base, String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The simulator's run, as {@code ./pushgate bench callbacks} runs it; answers its JSON result. */
    private static String bench(int tenantPort, String sandbox, String disruption, Path pidFile, String out)
            throws Exception {
        Path result = home.resolve(out);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-jar",
                LOADGEN.toString(),
                "callbacks",
                "--setup",
                "http://localhost:" + tenantPort,
                "--emulator",
                sandbox,
                "--sessions",
                "200",
                "--rate",
                "200",
                "--warmup",
                "2s",
                "--duration",
                "15s",
                disruption,
                pidFile.toString(),
                "--at",
                "6s",
                "--verify-db",
                database.url("pushgate"),
                "--db-user",
                EmbeddedPostgres.SUPERUSER,
                "--delivery-timeout",
                "90s",
                "--out",
                result.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PUSHGATE_DB_PASSWORD", PASSWORD);
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
            }
        }
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue())
                .as("the simulator's verdict:\n" + output)
                .isZero();
        return Files.readString(result);
    }

    /** The run's figures in one line of the test's output, so that a CI log keeps them. */
    private static void report(String disruption, String result) {
        System.out.printf(
                "Multi-instance run with a %s: accepted %d, lost %d, pending %d, pushed twice %d (with a recorded cause %d)%n",
                disruption,
                number(result, "accepted"),
                number(result, "lost"),
                number(result, "pending"),
                number(result, "duplicated"),
                number(result, "duplicatedWithCause"));
    }

    private static void assertEveryAcceptedPushArrived(String result) {
        // at least some: on a machine that other work starves, many callbacks get 503 (not stored in time),
        // which AXP retries; what matters is that every accepted one is pushed once
        assertThat(number(result, "accepted")).as("accepted callbacks").isGreaterThanOrEqualTo(100);
        assertThat(number(result, "lost"))
                .as("accepted callbacks without a row")
                .isZero();
        assertThat(number(result, "pending"))
                .as("accepted callbacks never pushed")
                .isZero();
    }

    /** The launcher started the instance again: a new process, ready behind the front. */
    private static void awaitRestarted(LauncherProcess launcher, String name, Path pidFile, long oldPid)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline && (!Files.exists(pidFile) || pid(pidFile) == oldPid)) {
            Thread.sleep(200);
        }
        assertThat(launcher.stderrContains(name + " (pid " + oldPid + ") ended with status"))
                .as("the launcher says it starts " + name + " again")
                .isTrue();
        assertThat(pid(pidFile)).isNotEqualTo(oldPid);
    }

    private static long pid(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).strip());
    }

    /** The first whole number after {@code "name" :} in the pretty-printed JSON result. */
    private static long number(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\" : (\\d+)").matcher(json);
        assertThat(matcher.find()).as(name + " in " + json).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static Map<String, String> environment() throws IOException {
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
