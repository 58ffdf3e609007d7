package io.pushgate.delivery.callback;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.pushgate.api.AxpSignature;
import io.pushgate.api.axp.AxpEvent;
import io.pushgate.api.secret.SecretCipher;
import io.pushgate.delivery.TestConfigurations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A throwaway load client for the ingress (docs/PERFORMANCE.md), not a test: the real AXP load
 * simulator lives in {@code infra/loadgen}. Closed loop: {@code concurrency} callbacks in flight
 * over as many HTTP/1.1 keep-alive connections, each a new signed event; after the run it reads
 * back every event id of the configuration and checks that each 202 has its row.
 *
 * <pre>
 * prepare JDBC_URL USER KEYSET_FILE TARGET_FILE   # keyset (if absent), tenancy schema, one configuration
 * run BASE_URL JDBC_URL USER TARGET_FILE WARMUP_S SECONDS CONCURRENCY
 * </pre>
 */
final class CallbackIngressBenchmark {

    private CallbackIngressBenchmark() {}

    public static void main(String[] args) throws Exception {
        // the client's own debug logging would cost more CPU than the requests
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        switch (args[0]) {
            case "prepare" -> prepare(args[1], args[2], Path.of(args[3]), Path.of(args[4]));
            case "run" ->
                run(
                        args[1],
                        args[2],
                        args[3],
                        Path.of(args[4]),
                        Integer.parseInt(args[5]),
                        Integer.parseInt(args[6]),
                        Integer.parseInt(args[7]));
            default -> throw new IllegalArgumentException("prepare or run");
        }
    }

    private static void prepare(String jdbcUrl, String user, Path keysetFile, Path targetFile) throws Exception {
        if (!Files.exists(keysetFile)) {
            Files.writeString(keysetFile, SecretCipher.generateKeyset());
        }
        SecretCipher cipher = SecretCipher.load(keysetFile.toString());
        TestConfigurations.migrateTenancy(jdbcUrl, user, "");
        var inserted = TestConfigurations.configuration().insert(jdbcUrl, user, "", cipher);
        Properties target = new Properties();
        target.setProperty("callbackKey", inserted.callbackKey());
        target.setProperty("secret", inserted.secret());
        target.setProperty("tenantId", inserted.tenantId().toString());
        try (var out = Files.newBufferedWriter(targetFile)) {
            target.store(out, "benchmark configuration");
        }
        System.out.println("configuration " + inserted.id() + " of tenant " + inserted.tenantId());
    }

    private static void run(
            String baseUrl, String jdbcUrl, String user, Path targetFile, int warmup, int seconds, int concurrency)
            throws Exception {
        Properties target = new Properties();
        try (var in = Files.newBufferedReader(targetFile)) {
            target.load(in);
        }
        String path = "/axp/callbacks/" + target.getProperty("callbackKey");
        String secret = target.getProperty("secret");
        HttpClient client = HttpClient.create(ConnectionProvider.builder("bench")
                        .maxConnections(concurrency)
                        .pendingAcquireMaxCount(-1)
                        .build())
                .protocol(HttpProtocol.HTTP11)
                .baseUrl(baseUrl)
                .responseTimeout(Duration.ofSeconds(30));

        System.out.printf("warm-up %d s at concurrency %d%n", warmup, concurrency);
        phase(client, path, secret, warmup, concurrency, new ConcurrentHistogram(3), ConcurrentHashMap.newKeySet());
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Histogram latency = new ConcurrentHistogram(3);
        System.out.printf("measuring %d s at concurrency %d%n", seconds, concurrency);
        Map<Integer, Long> statuses = phase(client, path, secret, seconds, concurrency, latency, accepted);

        System.out.printf(
                "answers %s; accepted %d in %d s = %.0f/s; latency ms p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.2f%n",
                statuses,
                accepted.size(),
                seconds,
                accepted.size() / (double) seconds,
                latency.getValueAtPercentile(50) / 1e3,
                latency.getValueAtPercentile(90) / 1e3,
                latency.getValueAtPercentile(99) / 1e3,
                latency.getValueAtPercentile(99.9) / 1e3,
                latency.getMaxValue() / 1e3);

        Set<String> stored = new HashSet<>();
        try (var connection = DriverManager.getConnection(jdbcUrl, user, "");
                var query = connection.prepareStatement(
                        "SELECT event_id FROM delivery.notification WHERE tenant_id = ?::uuid")) {
            query.setString(1, target.getProperty("tenantId"));
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    stored.add(rows.getString(1));
                }
            }
        }
        long lost = accepted.stream().filter(id -> !stored.contains(id)).count();
        System.out.printf("rows of the tenant %d; 202s without a row (lost): %d%n", stored.size(), lost);
    }

    private static Map<Integer, Long> phase(
            HttpClient client,
            String path,
            String secret,
            int seconds,
            int concurrency,
            Histogram latency,
            Set<String> accepted) {
        Instant end = Instant.now().plusSeconds(seconds);
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        Flux.range(0, concurrency)
                .flatMap(
                        worker -> Mono.defer(() -> {
                                    AxpEvent event = new AxpEvent(
                                            UUID.randomUUID().toString(),
                                            UUID.randomUUID().toString(),
                                            UUID.randomUUID().toString(),
                                            "customer-" + worker,
                                            Instant.now().toString(),
                                            Map.of());
                                    byte[] body = event.toJson().getBytes(StandardCharsets.UTF_8);
                                    String signature = AxpSignature.sign(secret, event.eventId(), event.sessionId());
                                    long start = System.nanoTime();
                                    return client.headers(headers -> headers.set(
                                                            HttpHeaderNames.CONTENT_TYPE,
                                                            HttpHeaderValues.APPLICATION_JSON)
                                                    .set(AxpSignature.HEADER, signature))
                                            .post()
                                            .uri(path)
                                            .send(ByteBufFlux.fromString(
                                                    Mono.just(new String(body, StandardCharsets.UTF_8))))
                                            .responseSingle((response, content) -> content.then(
                                                    Mono.just(response.status().code())))
                                            .onErrorReturn(-1)
                                            .doOnNext(status -> {
                                                latency.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
                                                statuses.computeIfAbsent(status, s -> new AtomicLong())
                                                        .incrementAndGet();
                                                if (status == 202) {
                                                    accepted.add(event.eventId());
                                                }
                                            });
                                })
                                .repeat(() -> Instant.now().isBefore(end)),
                        concurrency)
                .blockLast();
        return statuses.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, e -> e.getValue().get()));
    }
}
