package io.pushgate.drills;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platform as {@code ./pushgate up --delivery-instances N} runs it — the launcher's jar in a JVM
 * of its own, a JVM per service, N delivery-service instances behind the launcher's round-robin
 * front, the sandbox FCM emulator (with N = 1: every service in the launcher's JVM) — on the drill's own database ({@code PUSHGATE_DB_URL}), in the
 * drill's own {@code PUSHGATE_HOME}, on free ports. The launcher starts an instance that ends again,
 * as Kubernetes replaces a pod; each instance's pid is in {@code PUSHGATE_HOME/run/delivery-service-i.pid}.
 */
final class DrillPlatform implements AutoCloseable {

    private static final Pattern UP = Pattern.compile("^Pushgate is up in ");
    private static final Pattern INSTANCE = Pattern.compile("^\\s+(delivery-service-\\d+)\\s+(http://\\S+)");
    /** With one instance the launcher runs every service in its own JVM: delivery-service is that one. */
    private static final Pattern ONLY_INSTANCE = Pattern.compile("^\\s+(delivery-service)\\s+(http://\\S+)");

    private static final Pattern SANDBOX = Pattern.compile("^\\s+sandbox\\s+(http://\\S+)");
    /** Printed after the instances' lines. */
    private static final Pattern LAST_LINE = Pattern.compile("^Press Ctrl-C to stop");

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final Process process;
    private final Path home;
    private final int frontPort;
    private final int tenantPort;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();
    private final Map<String, URI> instances = new HashMap<>();
    private URI sandbox;

    private DrillPlatform(Process process, Path home, int frontPort, int tenantPort) {
        this.process = process;
        this.home = home;
        this.frontPort = frontPort;
        this.tenantPort = tenantPort;
        drain(process.getInputStream(), out);
        drain(process.getErrorStream(), err);
    }

    /**
     * Starts the launcher with {@code instances} delivery-service instances on {@code database} and
     * waits up to {@code timeout} for it to be up. {@code settings}: more {@code PUSHGATE_*} settings
     * for every service (e.g. {@code PUSHGATE_INBOX_LEASE}).
     */
    static DrillPlatform start(
            Path root, Path home, DrillDatabase database, int instances, Map<String, String> settings, Duration timeout)
            throws IOException, InterruptedException {
        Path jar = root.resolve("infra/standalone/target/pushgate-standalone.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build it first (./pushgate drill does)");
        }
        int front = freePort();
        int tenant = freePort();
        int portal = freePort();
        while (tenant == front) {
            tenant = freePort();
        }
        while (portal == front || portal == tenant) {
            portal = freePort();
        }
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:MaxTenuringThreshold=1",
                "-Dpushgate.root=" + root,
                "-jar",
                jar.toString(),
                "up",
                "--delivery-instances",
                Integer.toString(instances));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("PUSHGATE_"));
        builder.environment().put("PUSHGATE_HOME", home.toString());
        builder.environment().put("PUSHGATE_DELIVERY_PORT", Integer.toString(front));
        builder.environment().put("PUSHGATE_TENANT_PORT", Integer.toString(tenant));
        builder.environment().put("PUSHGATE_PORTAL_PORT", Integer.toString(portal));
        builder.environment().put("PUSHGATE_DB_URL", database.url());
        builder.environment().put("PUSHGATE_DB_USER", database.user());
        builder.environment().put("PUSHGATE_DB_PASSWORD", database.password());
        // the launcher's own limit for each service's JVM to be ready: the drill's, not the default 240 s
        builder.environment().put("PUSHGATE_SERVICE_START_SECONDS", Long.toString(timeout.toSeconds()));
        builder.environment().putAll(settings);
        DrillPlatform platform = new DrillPlatform(builder.start(), home, front, tenant);
        try {
            platform.awaitUp(timeout);
        } catch (RuntimeException | InterruptedException e) {
            platform.close();
            throw e;
        }
        return platform;
    }

    private void awaitUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> lines = stdout();
            if (lines.stream().anyMatch(line -> LAST_LINE.matcher(line).find())
                    && lines.stream().anyMatch(line -> UP.matcher(line).find())) {
                for (String line : lines) {
                    Matcher instance = INSTANCE.matcher(line);
                    if (instance.find()) {
                        instances.put(instance.group(1), URI.create(instance.group(2)));
                    }
                    Matcher only = ONLY_INSTANCE.matcher(line);
                    if (only.find()
                            && lines.stream()
                                    .noneMatch(other -> INSTANCE.matcher(other).find())) {
                        instances.put(only.group(1), URI.create(only.group(2)));
                    }
                    Matcher sandboxLine = SANDBOX.matcher(line);
                    if (sandboxLine.find()) {
                        sandbox = URI.create(sandboxLine.group(1));
                    }
                }
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the platform did not come up within " + timeout + "\nstdout: "
                + String.join("\n", stdout()) + "\nstderr: " + String.join("\n", stderr()));
    }

    /** Where callbacks go: the front's port on 127.0.0.1. */
    int frontPort() {
        return frontPort;
    }

    URI tenantService() {
        return URI.create("http://localhost:" + tenantPort);
    }

    /** The sandbox FCM emulator every instance sends to (its control API under {@code /emulator/fcm}). */
    URI sandbox() {
        return sandbox;
    }

    /** The delivery-service instances by name ({@code delivery-service-1} …) and their own addresses. */
    Map<String, URI> instances() {
        return Map.copyOf(instances);
    }

    Path home() {
        return home;
    }

    Path pidFile(String instance) {
        return home.resolve("run").resolve(instance + ".pid");
    }

    /** The instance's current process id, from its pid file (empty while it is being started again). */
    Optional<Long> pid(String instance) {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile(instance), StandardCharsets.US_ASCII)
                    .strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether the instance's readiness answers 200 on its own address (not through the front). */
    boolean ready(String instance) {
        try {
            HttpResponse<Void> response = HTTP.send(
                    HttpRequest.newBuilder(instances.get(instance).resolve("/actuator/health/readiness"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    List<String> stdout() {
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    List<String> stderr() {
        synchronized (err) {
            return List.copyOf(err);
        }
    }

    /** SIGTERM to the launcher, which stops every service; SIGKILL after 90 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.toHandle().destroy();
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
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
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
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
