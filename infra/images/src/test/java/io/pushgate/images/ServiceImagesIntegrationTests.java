package io.pushgate.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestKeyset;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The three services' container images as Jib made them ({@code <service>/target/jib-image.tar},
 * from the local base of {@code infra/images/make-base-image.sh}), run as a container runtime would
 * run them, without one: every layer unpacked into a root file system, the image's own entrypoint,
 * environment and user started in it under {@code unshare} (its own mount and process namespaces,
 * {@code /proc} and {@code /dev} mounted) and {@code chroot}, against this machine's PostgreSQL, then
 * probed over HTTP and stopped with SIGTERM as the kubelet stops a pod.
 */
class ServiceImagesIntegrationTests {

    private static final Path ROOT = Path.of(System.getProperty("pushgate.root", "../.."));
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private static final int NONROOT = 65532;

    @TempDir
    Path work;

    @BeforeAll
    static void needsLinuxRootAndUnshare() {
        String missing = null;
        if (!System.getProperty("os.name").toLowerCase().contains("linux")) {
            missing = "Linux";
        } else if (!"root".equals(System.getProperty("user.name"))) {
            missing = "root (chroot and mounts in a new namespace)";
        } else if (!Files.isExecutable(Path.of("/usr/bin/unshare"))
                || !Files.isExecutable(Path.of("/usr/sbin/chroot"))) {
            missing = "unshare and chroot (util-linux, coreutils)";
        }
        if (missing != null) {
            String reason = "the image tests run the images with unshare and chroot: they need " + missing;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(reason + " (CI=true: failing instead of skipping)");
            }
            Assumptions.abort(reason);
        }
    }

    @Test
    void eachServiceImageRunsAsNonrootAndAnswersItsProbes() throws Exception {
        TestDatabase database = TestDatabase.get();
        Map<String, String> common = Map.of(
                "PUSHGATE_DB_URL", database.url(),
                "PUSHGATE_DB_USER", database.user(),
                "PUSHGATE_DB_PASSWORD", database.password(),
                "PUSHGATE_KEYSET", TestKeyset.json(),
                // the environment is the image's only: the test suite's no-warm-up is set again here
                "PUSHGATE_WARMUP_ENABLED", "false");
        // tenant-service first: delivery-service reads the tables it migrates
        run("tenant-service", 8081, common);
        run("delivery-service", 8080, common);
        run("web-portal", 8082, Map.of());
    }

    private void run(String service, int imagePort, Map<String, String> settings) throws Exception {
        Path tar = ROOT.resolve(service).resolve("target").resolve("jib-image.tar");
        assertThat(tar)
                .as("the image Jib made in " + service + "'s package phase")
                .exists();
        Path unpacked = Files.createDirectories(work.resolve(service + "-image"));
        exec(List.of("tar", "-xf", tar.toString(), "-C", unpacked.toString()));
        JsonNode manifest =
                JSON.readTree(unpacked.resolve("manifest.json").toFile()).get(0);
        JsonNode config = JSON.readTree(
                        unpacked.resolve(manifest.get("Config").asString()).toFile())
                .get("config");

        assertThat(config.path("User").asString()).isEqualTo(NONROOT + ":" + NONROOT);
        assertThat(config.path("ExposedPorts").has(imagePort + "/tcp")).isTrue();
        assertThat(config.path("Labels").path("io.pushgate.probe.readiness").asString())
                .isEqualTo("/actuator/health/readiness");
        assertThat(config.path("Labels")
                        .path("org.opencontainers.image.version")
                        .asString())
                .isNotBlank();
        List<String> entrypoint = new ArrayList<>();
        config.path("Entrypoint").forEach(part -> entrypoint.add(part.asString()));
        assertThat(entrypoint).contains("-XX:MaxRAMPercentage=75");

        Path rootfs = Files.createDirectories(work.resolve(service + "-rootfs"));
        for (JsonNode layer : manifest.get("Layers")) {
            exec(List.of("tar", "-xf", unpacked.resolve(layer.asString()).toString(), "-C", rootfs.toString()));
        }
        Files.createDirectories(rootfs.resolve("proc"));
        Files.createDirectories(rootfs.resolve("dev"));

        int port = freePort();
        Map<String, String> environment = new HashMap<>();
        config.path("Env").forEach(entry -> {
            String[] pair = entry.asString().split("=", 2);
            environment.put(pair[0], pair[1]);
        });
        environment.putAll(settings);
        environment.put("SERVER_PORT", Integer.toString(port));
        String user = config.path("User").asString();
        String script = "mount --make-rprivate / && mount -t proc proc \"$R/proc\" && mount --rbind /dev \"$R/dev\""
                + " && cd \"$R\" && exec chroot --userspec=" + user + " \"$R\" \"$@\"";
        List<String> command = new ArrayList<>(List.of(
                "unshare", "--mount", "--pid", "--fork", "--kill-child", "sh", "-c", script, "image-entrypoint"));
        command.addAll(entrypoint);
        config.path("Cmd").forEach(part -> command.add(part.asString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(service + ".log").toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().put("R", rootfs.toString());
        Process container = builder.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            awaitHealthy(base, container, service);
            assertThat(get(base.resolve("/actuator/health/liveness")).statusCode())
                    .isEqualTo(200);
            assertThat(get(base.resolve("/actuator/health/readiness")).statusCode())
                    .isEqualTo(200);
            ProcessHandle jvm = container
                    .toHandle()
                    .descendants()
                    .filter(process -> process.info().command().orElse("").endsWith("java"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no JVM under " + container.pid()));
            String status = Files.readString(Path.of("/proc", Long.toString(jvm.pid()), "status"));
            assertThat(status)
                    .as("the JVM runs as the image's user")
                    .containsPattern("(?m)^Uid:\\s+" + NONROOT + "\\s+" + NONROOT);

            // the kubelet's stop: SIGTERM to the container's process, which ends cleanly
            jvm.destroy();
            assertThat(container.waitFor(90, TimeUnit.SECONDS))
                    .as(service + " stops after SIGTERM")
                    .isTrue();
        } finally {
            container.destroyForcibly();
            container.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        }
        assertThat(Files.readString(work.resolve(service + ".log")))
                .as(service + "'s output")
                .contains("Graceful shutdown complete");
    }

    private void awaitHealthy(URI base, Process container, String service) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        URI health = base.resolve("/actuator/health");
        while (System.nanoTime() < deadline) {
            if (!container.isAlive()) {
                throw new AssertionError(service + " ended: " + Files.readString(work.resolve(service + ".log")));
            }
            try {
                HttpResponse<String> answer = get(health);
                if (answer.statusCode() == 200 && answer.body().contains("\"status\":\"UP\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError(
                service + " was not healthy in time: " + Files.readString(work.resolve(service + ".log")));
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static void exec(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor())
                .as(String.join(" ", command) + ": " + output)
                .isZero();
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
