package io.pushgate.drills;

import io.pushgate.embeddedpg.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platform as {@code ./pushgate up} runs it — the launcher's jar, all three services in one JVM
 * of its own, its sandbox FCM emulator — on an embedded PostgreSQL of the drill's own (never the
 * machine's), in a work folder of its own, on free ports; {@code settings} are more {@code PUSHGATE_*}
 * or Spring environment variables for every service. For the provider-fault and fuzz drills; the crash
 * drills' platform (several processes) is their own.
 */
final class StandalonePlatform implements AutoCloseable {

    private static final Pattern UP = Pattern.compile("^Pushgate is up in ");
    private static final Pattern SANDBOX = Pattern.compile("^\\s+sandbox\\s+(http://\\S+)");
    private static final String DATABASE = "pushgate";

    private final EmbeddedPostgres database;
    private final Process process;
    private final int deliveryPort;
    private final int tenantPort;
    private final List<String> out = new ArrayList<>();
    private URI sandbox;

    private StandalonePlatform(EmbeddedPostgres database, Process process, int deliveryPort, int tenantPort) {
        this.database = database;
        this.process = process;
        this.deliveryPort = deliveryPort;
        this.tenantPort = tenantPort;
        drain(process.getInputStream(), out);
        drain(process.getErrorStream(), out);
    }

    static StandalonePlatform start(Path root, Path work, Map<String, String> settings, Duration timeout)
            throws IOException, InterruptedException {
        Path jar = root.resolve("infra/standalone/target/pushgate-standalone.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build it first (./pushgate drill does)");
        }
        Files.createDirectories(work);
        String password = "drill-" + UUID.randomUUID();
        EmbeddedPostgres database =
                EmbeddedPostgres.start(work.resolve("pgdata"), work.resolve("postgres.log"), true, password);
        try {
            database.createDatabaseIfMissing(DATABASE);
            int delivery = freePort();
            int tenant = freePort();
            int portal = freePort();
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:MaxTenuringThreshold=1",
                    "-Dpushgate.root=" + root,
                    "-jar",
                    jar.toString(),
                    "up");
            builder.environment().keySet().removeIf(name -> name.startsWith("PUSHGATE_"));
            builder.environment().put("PUSHGATE_HOME", work.resolve("home").toString());
            builder.environment().put("PUSHGATE_DELIVERY_PORT", Integer.toString(delivery));
            builder.environment().put("PUSHGATE_TENANT_PORT", Integer.toString(tenant));
            builder.environment().put("PUSHGATE_PORTAL_PORT", Integer.toString(portal));
            builder.environment().put("PUSHGATE_DB_URL", database.url(DATABASE));
            builder.environment().put("PUSHGATE_DB_USER", EmbeddedPostgres.SUPERUSER);
            builder.environment().put("PUSHGATE_DB_PASSWORD", password);
            builder.environment().putAll(settings);
            builder.redirectInput(ProcessBuilder.Redirect.PIPE);
            StandalonePlatform platform = new StandalonePlatform(database, builder.start(), delivery, tenant);
            try {
                platform.awaitUp(timeout);
            } catch (RuntimeException | InterruptedException e) {
                platform.close();
                throw e;
            }
            return platform;
        } catch (IOException | RuntimeException | InterruptedException e) {
            database.close();
            throw e;
        }
    }

    private void awaitUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            List<String> lines = output();
            if (lines.stream().anyMatch(line -> line.startsWith("Press Ctrl-C to stop"))
                    && lines.stream().anyMatch(line -> UP.matcher(line).find())) {
                for (String line : lines) {
                    Matcher found = SANDBOX.matcher(line);
                    if (found.find()) {
                        sandbox = URI.create(found.group(1));
                    }
                }
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "the platform did not come up within " + timeout + ":\n" + String.join("\n", output()));
    }

    /** delivery-service's port on 127.0.0.1. */
    int deliveryPort() {
        return deliveryPort;
    }

    URI deliveryService() {
        return URI.create("http://127.0.0.1:" + deliveryPort);
    }

    URI tenantService() {
        return URI.create("http://127.0.0.1:" + tenantPort);
    }

    /** The sandbox FCM emulator (its control API under {@code /emulator/fcm}). */
    URI sandbox() {
        return sandbox;
    }

    /** The platform's JVM: every service runs in it. */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:" + database.url(DATABASE), EmbeddedPostgres.SUPERUSER, database.password());
    }

    List<String> output() {
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    /** SIGTERM to the launcher, which stops every service; SIGKILL after 60 s; then the database. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.toHandle().destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            database.close();
        }
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void drain(InputStream stream, List<String> lines) {
        Thread reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (lines) {
                        if (lines.size() > 20_000) {
                            lines.remove(0);
                        }
                        lines.add(line);
                    }
                }
            } catch (IOException closed) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }
}
