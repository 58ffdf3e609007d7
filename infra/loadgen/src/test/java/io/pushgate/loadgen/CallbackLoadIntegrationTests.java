package io.pushgate.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.pushgate.api.AxpSignature;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator against a small real server that checks every signature as the ingress does. */
class CallbackLoadIntegrationTests {

    private static final Pattern FIELD = Pattern.compile("\"(eventId|sessionId)\":\"([^\"]+)\"");
    private static final String SECRET = "bench-secret";

    private final Set<String> seenEventIds = ConcurrentHashMap.newKeySet();
    private HttpServer server;

    @TempDir
    Path folder;

    @BeforeEach
    void startServer() throws IOException {
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
            if (!exchange.getRequestURI().getPath().equals("/axp/callbacks/key")) {
                // HttpServer matches contexts by prefix; the ingress does not
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            boolean authentic = eventId != null
                    && sessionId != null
                    && AxpSignature.verify(
                            SECRET,
                            eventId,
                            sessionId,
                            exchange.getRequestHeaders().getFirst("x-hmac"));
            int status = !authentic ? 401 : seenEventIds.add(eventId) ? 202 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void sendsSignedCallbacksOnAFixedSchedule() throws Exception {
        BenchOptions options = options("--rate", "200", "--duration", "2s", "--warmup", "500ms", "--secret", SECRET);

        RunResults results = new CallbackLoad(options).run();

        assertThat(results.measuredCount()).isEqualTo(400);
        assertThat(results.outcomes()).isEqualTo(Map.of("202", 400L));
        assertThat(results.acceptedEventIds()).hasSize(500).containsExactlyInAnyOrderElementsOf(seenEventIds);
        assertThat(results.latencyMillis().get("max")).isPositive();
    }

    @Test
    void countsWhatTheServerRefuses() throws Exception {
        BenchOptions options = options("--concurrency", "4", "--duration", "1s", "--warmup", "0s", "--secret", "wrong");

        RunResults results = new CallbackLoad(options).run();

        assertThat(results.measuredCount()).isPositive();
        assertThat(results.outcomes().keySet()).containsExactly("401");
        assertThat(results.acceptedEventIds()).isEmpty();
    }

    @Test
    void warmsItsOwnJvmAgainstItsSinkWithoutSendingAnythingToTheTarget() throws Exception {
        java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
        Path result = folder.resolve("warmed.json");

        int status = Bench.run(
                List.of(
                        "callbacks",
                        "--url",
                        "http://127.0.0.1:" + server.getAddress().getPort() + "/axp/callbacks/key",
                        "--secret",
                        SECRET,
                        "--rate",
                        "100",
                        "--generator-warmup",
                        "2s",
                        "--warmup",
                        "0s",
                        "--duration",
                        "2s",
                        "--out",
                        result.toString()),
                new java.io.PrintStream(output, true, StandardCharsets.UTF_8),
                System.err);

        assertThat(status).isZero();
        // 200 warm-up callbacks went to the sink; the target saw the 200 measured ones only
        assertThat(seenEventIds).hasSize(200);
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("Warming the simulator for 2s against a sink of its own")
                .contains("p99 per 10 s (ms, callback): 0–10 s ");
        tools.jackson.databind.JsonNode report =
                tools.jackson.databind.json.JsonMapper.builder().build().readTree(result.toFile());
        assertThat(report.get("windows")).hasSize(1);
        assertThat(report.get("windows").get(0).get("callbacks").asLong()).isEqualTo(200);
    }

    /** What a run with the database check reports is {@code StoredEventsIntegrationTests}' business. */
    @Test
    void aReportWithoutTheDatabaseCheckSaysLossWasNotChecked() {
        BenchOptions options = options("--rate", "50", "--duration", "1s", "--warmup", "0s", "--secret", SECRET);
        RunResults results = new RunResults();
        results.record("e1", "202", 1_000_000, true);

        Map<String, Object> report = Bench.report(options, results, null, null);

        assertThat(report).containsEntry("lost", null).containsEntry("measuredCallbacks", 1L);
        assertThat(Bench.summary(report)).contains("lost: not checked");
    }

    private BenchOptions options(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(
                "--url",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/axp/callbacks/key",
                "--out",
                folder.resolve("result.json").toString()));
        all.addAll(List.of(args));
        return BenchOptions.parse(all, Map.of());
    }
}
