package io.pushgate.drills;

import io.pushgate.api.AxpSignature;
import io.pushgate.api.secret.SecretCipher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Signed callbacks on a fixed schedule, each answer recorded whole enough to judge it: when it was
 * sent, its status, whether it had {@code Retry-After} and a problem+json body, how long it took. Its
 * configuration is written straight into the database as tenant-service writes one (sealed with the
 * platform's keyset), so the prober needs no control plane; it has no registered device, so what it
 * checks is the answer and the stored row, not a push.
 */
final class Prober implements AutoCloseable {

    /** One callback and its answer; {@code status} 0: no answer within the limit, or a connection error. */
    record Probe(
            String eventId,
            long sentAt,
            long answeredAt,
            int status,
            boolean retryAfter,
            boolean problemJson,
            String error) {}

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "drill-prober");
        thread.setDaemon(true);
        return thread;
    });
    private final List<CompletableFuture<Probe>> probes = new ArrayList<>();
    private final URI callbackUrl;
    private final String secret;
    private final Duration answerLimit;
    final UUID tenantId;

    private Prober(URI callbackUrl, String secret, Duration answerLimit, UUID tenantId) {
        this.callbackUrl = callbackUrl;
        this.secret = secret;
        this.answerLimit = answerLimit;
        this.tenantId = tenantId;
    }

    /** Makes a tenant and a configuration in {@code database}, sealed with {@code home}'s keyset. */
    static Prober configure(DrillDatabase database, Path home, int frontPort, Duration answerLimit) throws Exception {
        SecretCipher cipher = SecretCipher.load(home.resolve("keyset.json").toString());
        UUID tenantId = UUID.randomUUID();
        UUID configurationId = UUID.randomUUID();
        String callbackKey = "drill-" + UUID.randomUUID();
        String secret = "secret-" + UUID.randomUUID();
        try (Connection connection = database.connect()) {
            try (var insert =
                    connection.prepareStatement("INSERT INTO tenancy.tenant (id, name) VALUES (?, 'Drill')")) {
                insert.setObject(1, tenantId);
                insert.executeUpdate();
            }
            try (var insert = connection.prepareStatement(
                    "INSERT INTO tenancy.configuration (id, tenant_id, name, callback_key, secret_ciphertext)"
                            + " VALUES (?, ?, 'Drill prober', ?, ?)")) {
                insert.setObject(1, configurationId);
                insert.setObject(2, tenantId);
                insert.setString(3, callbackKey);
                insert.setBytes(4, cipher.seal(secret, tenantId, configurationId));
                insert.executeUpdate();
            }
        }
        return new Prober(
                URI.create("http://127.0.0.1:" + frontPort + "/axp/callbacks/" + callbackKey),
                secret,
                answerLimit,
                tenantId);
    }

    /** Sends one callback every {@code interval} from now on. */
    void start(Duration interval) {
        schedule.scheduleAtFixedRate(this::send, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void send() {
        String eventId = UUID.randomUUID().toString();
        long sentAt = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(callbackUrl)
                .timeout(answerLimit)
                .header("Content-Type", "application/json")
                .header(AxpSignature.HEADER, AxpSignature.sign(secret, eventId, "drill-session"))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"eventId\":\"" + eventId + "\",\"sessionId\":\"drill-session\"}"))
                .build();
        CompletableFuture<Probe> probe = http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> response == null
                        ? new Probe(eventId, sentAt, System.nanoTime(), 0, false, false, String.valueOf(error))
                        : new Probe(
                                eventId,
                                sentAt,
                                System.nanoTime(),
                                response.statusCode(),
                                response.headers().firstValue("Retry-After").isPresent(),
                                response.headers()
                                        .firstValue("Content-Type")
                                        .filter(type -> type.startsWith("application/problem+json"))
                                        .isPresent(),
                                null));
        synchronized (probes) {
            probes.add(probe);
        }
    }

    /** Stops sending and waits for the answers of what was sent. */
    List<Probe> stop() {
        schedule.shutdownNow();
        List<CompletableFuture<Probe>> sent;
        synchronized (probes) {
            sent = List.copyOf(probes);
        }
        return sent.stream().map(CompletableFuture::join).toList();
    }

    /** How many of {@code eventIds} have a notification row of this prober's tenant. */
    long stored(DrillDatabase database, Set<String> eventIds) throws Exception {
        if (eventIds.isEmpty()) {
            return 0;
        }
        try (Connection connection = database.connect();
                var query = connection.prepareStatement("SELECT count(DISTINCT event_id) FROM delivery.notification"
                        + " WHERE tenant_id = ? AND event_id = ANY (?)")) {
            query.setObject(1, tenantId);
            query.setArray(2, connection.createArrayOf("text", eventIds.toArray()));
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    @Override
    public void close() {
        schedule.shutdownNow();
    }
}
