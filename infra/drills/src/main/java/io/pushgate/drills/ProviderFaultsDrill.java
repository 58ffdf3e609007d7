package io.pushgate.drills;

import io.pushgate.api.AxpSignature;
import io.pushgate.emulator.ApnsAuthKey;
import io.pushgate.emulator.ApnsEmulator;
import io.pushgate.emulator.ApnsFault;
import io.pushgate.emulator.ApnsNotification;
import io.pushgate.emulator.FcmFault;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./pushgate drill provider-faults}: four tenants send callbacks all along — two on the sandbox
 * (FCM, a Firebase project each), two on APNs (a key each) — while the provider fails one tenant's
 * credential after another: FCM down (503), a 429 storm with {@code Retry-After}, 5 s answers, a
 * connection reset mid-response; APNs {@code TooManyRequests} with {@code retry-after}, {@code
 * ExpiredProviderToken}, failing TLS handshakes, 5 s answers, a connection reset mid-answer. The faults come from the emulators ({@link FcmFault}
 * through the sandbox emulator's control API, {@link ApnsFault} on the APNs emulator this drill runs).
 *
 * <p>It passes when, for each fault, the faulted tenant's backlog is delivered within the delivery
 * window (10 min) once the fault ends; the other tenant on the same provider keeps its latency
 * (callback sent → push at the emulator: p99 during the fault within {@value #ISOLATION_FACTOR} × the
 * no-fault phase's p99 + {@value #ISOLATION_SLACK_MILLIS} ms); and at the end every accepted callback
 * is delivered exactly once — every notification in the database is {@code delivered} and its event
 * is at the emulator once, none missing, none twice.
 *
 * <p>Options: {@code --fault-seconds 30} ({@code --down-seconds 60} for FCM down), {@code --rate 10}
 * callbacks/s per tenant, {@code --warmup-seconds 10} (not measured; then what was sent is delivered
 * first), {@code --baseline-seconds 20}, {@code --devices 20} per tenant, {@code --faults a,b} (a subset,
 * by name), {@code --start-timeout 20m}. A failed run keeps its work folder (the platform's log).
 */
final class ProviderFaultsDrill implements Drill {

    static final int ISOLATION_FACTOR = 3;
    static final int ISOLATION_SLACK_MILLIS = 1_000;
    static final Duration DELIVERY_WINDOW = Duration.ofMinutes(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One fault: its name, the provider it concerns, how to start it on the faulted tenant's credential. */
    private record Fault(String name, boolean apns, Consumer<Duration> inject, Duration lasting) {}

    @Override
    public String name() {
        return "provider-faults";
    }

    @Override
    public String description() {
        return "FCM/APNs faults on one tenant's credential: backlog drained, nothing lost or twice, others' latency kept";
    }

    @Override
    public DrillResult run(DrillOptions options) throws Exception {
        Duration faultLasting = options.duration("fault-seconds", Duration.ofSeconds(30));
        Duration downLasting = options.duration("down-seconds", Duration.ofSeconds(60));
        int rate = options.number("rate", 10);
        Duration baseline = options.duration("baseline-seconds", Duration.ofSeconds(20));
        Duration warmup = options.duration("warmup-seconds", Duration.ofSeconds(10));
        int devices = options.number("devices", 20);
        String only = options.text("faults", "");
        Duration startTimeout = options.duration("start-timeout", Duration.ofMinutes(20));
        options.rejectUnknown();

        Path work = DrillWork.folder(options, name());
        String loadAtStart = DrillWork.loadAverage();
        DrillResult result;
        try (ApnsEmulator apns = ApnsEmulator.start(0, true)) {
            Path certificate = work.resolve("apns-emulator.pem");
            Files.writeString(certificate, apns.serverCertificatePem(), StandardCharsets.US_ASCII);
            Map<String, String> settings = Map.of(
                    "PUSHGATE_PROVIDERS_APNSSERVER",
                    "https://localhost:" + apns.port(),
                    "PUSHGATE_PROVIDERS_APNSTRUSTEDCERTIFICATE",
                    certificate.toString());
            try (StandalonePlatform platform =
                    StandalonePlatform.start(options.root(), work.resolve("platform"), settings, startTimeout)) {
                result = drill(platform, apns, faultLasting, downLasting, rate, warmup, baseline, devices, only);
            }
        } catch (Exception | Error e) {
            System.err.println("  the drill's work folder (the platform's log in platform/home/logs): " + work);
            throw e;
        }
        result.figures().put("loadAverageAtStart", loadAtStart);
        result.figures().put("loadAverageAtEnd", DrillWork.loadAverage());
        // a failing run's folder keeps the platform's log (platform/home/logs) and the emulator's certificate
        return DrillWork.settle(result, work);
    }

    private DrillResult drill(
            StandalonePlatform platform,
            ApnsEmulator apns,
            Duration faultLasting,
            Duration downLasting,
            int rate,
            Duration warmup,
            Duration baseline,
            int devices,
            String only)
            throws Exception {
        long started = System.nanoTime();
        DrillTenants tenants = new DrillTenants(platform.tenantService(), platform.deliveryService());
        ApnsAuthKey keyA = apns.mintAuthKey(ApnsAuthKey.randomId(), "io.pushgate.drill.a");
        ApnsAuthKey keyB = apns.mintAuthKey(ApnsAuthKey.randomId(), "io.pushgate.drill.b");
        Sender fcmA = new Sender(platform, tenants.withSandbox("FCM A"), false, devices, tenants);
        Sender fcmB = new Sender(platform, tenants.withSandbox("FCM B"), false, devices, tenants);
        Sender apnsA = new Sender(
                platform, tenants.withApns("APNs A", apnsKey(keyA, "io.pushgate.drill.a")), true, devices, tenants);
        Sender apnsB = new Sender(
                platform, tenants.withApns("APNs B", apnsKey(keyB, "io.pushgate.drill.b")), true, devices, tenants);
        List<Sender> senders = List.of(fcmA, fcmB, apnsA, apnsB);
        String projectA = "sandbox-" + fcmA.tenantId;
        URI sandbox = platform.sandbox();

        List<Fault> faults = new ArrayList<>(List.of(
                new Fault(
                        "fcm-down",
                        false,
                        d -> fcmFault(
                                sandbox, projectA, "{\"kind\":\"unavailable\",\"seconds\":" + d.toSeconds() + "}"),
                        downLasting),
                new Fault(
                        "fcm-429-storm",
                        false,
                        d -> fcmFault(
                                sandbox,
                                projectA,
                                "{\"kind\":\"throttled\",\"seconds\":" + d.toSeconds() + ",\"retryAfterSeconds\":"
                                        + Math.min(5, Math.max(1, d.toSeconds() / 4)) + "}"),
                        faultLasting),
                new Fault(
                        "fcm-slow-5s",
                        false,
                        d -> fcmFault(
                                sandbox,
                                projectA,
                                "{\"kind\":\"slow\",\"seconds\":" + d.toSeconds() + ",\"latencyMs\":5000}"),
                        faultLasting),
                new Fault(
                        "fcm-reset",
                        false,
                        d -> fcmFault(sandbox, projectA, "{\"kind\":\"reset\",\"seconds\":" + d.toSeconds() + "}"),
                        faultLasting),
                new Fault(
                        "apns-too-many-requests",
                        true,
                        d -> apns.injectKeyFault(
                                keyA.keyId(),
                                ApnsFault.tooManyRequests(
                                        d, Duration.ofSeconds(Math.min(5, Math.max(1, d.toSeconds() / 4))))),
                        faultLasting),
                new Fault(
                        "apns-expired-provider-token",
                        true,
                        d -> apns.injectKeyFault(keyA.keyId(), ApnsFault.expiredProviderToken(d)),
                        faultLasting),
                new Fault(
                        "apns-tls-handshake-failure",
                        true,
                        d -> apns.injectKeyFault(keyA.keyId(), ApnsFault.tlsHandshakeFailure(d)),
                        faultLasting),
                new Fault(
                        "apns-slow-5s",
                        true,
                        d -> apns.injectKeyFault(keyA.keyId(), ApnsFault.slow(d, Duration.ofSeconds(5))),
                        faultLasting),
                new Fault(
                        "apns-reset", true, d -> apns.injectKeyFault(keyA.keyId(), ApnsFault.reset(d)), faultLasting)));
        if (!only.isBlank()) {
            List<String> names = List.of(only.split(","));
            faults.removeIf(fault -> !names.contains(fault.name()));
        }

        senders.forEach(sender -> sender.start(rate));
        List<Map<String, Object>> phases = new ArrayList<>();
        boolean passed = true;
        List<String> findings = new ArrayList<>();
        try {
            // not measured: the platform's first provider connections (a cold JVM's first TLS handshake
            // took 10 s and more on a loaded machine) and its JIT; what was sent meanwhile is delivered first
            Thread.sleep(warmup.toMillis());
            Duration warmed = awaitDelivered(platform, senders, Instant.now(), DELIVERY_WINDOW);
            if (warmed == null) {
                throw new IllegalStateException("the warm-up's callbacks were not delivered within " + DELIVERY_WINDOW);
            }
            Instant baselineStart = Instant.now();
            Thread.sleep(baseline.toMillis());
            Instant baselineEnd = Instant.now();
            awaitDelivered(platform, List.of(fcmB, apnsB), baselineEnd, DELIVERY_WINDOW);
            long fcmBaseline = p99(fcmB, latencies(fcmB, sandbox, apns), baselineStart, baselineEnd);
            long apnsBaseline = p99(apnsB, latencies(apnsB, sandbox, apns), baselineStart, baselineEnd);
            Map<String, Object> base = new LinkedHashMap<>();
            base.put("phase", "no fault");
            base.put("fcmOtherTenantP99Millis", fcmBaseline);
            base.put("apnsOtherTenantP99Millis", apnsBaseline);
            phases.add(base);

            for (Fault fault : faults) {
                Sender faulted = fault.apns() ? apnsA : fcmA;
                Sender other = fault.apns() ? apnsB : fcmB;
                long otherBaseline = fault.apns() ? apnsBaseline : fcmBaseline;
                long faultedBefore = faultedAnswers(fault, apns, keyA, sandbox, projectA);
                Instant faultStart = Instant.now();
                fault.inject().accept(fault.lasting());
                Thread.sleep(fault.lasting().toMillis());
                Instant faultEnd = Instant.now();
                Duration drained = awaitDelivered(platform, List.of(faulted), faultEnd, DELIVERY_WINDOW);
                awaitDelivered(platform, List.of(other), faultEnd, DELIVERY_WINDOW);
                long otherP99 = p99(other, latencies(other, sandbox, apns), faultStart, faultEnd);
                long bound = otherBaseline * ISOLATION_FACTOR + ISOLATION_SLACK_MILLIS;
                long faultedDuring = faulted.sentBetween(faultStart, faultEnd);
                long faultedAnswers = faultedAnswers(fault, apns, keyA, sandbox, projectA) - faultedBefore;
                boolean ok = drained != null && otherP99 <= bound && faultedAnswers > 0;
                Map<String, Object> phase = new LinkedHashMap<>();
                phase.put("phase", fault.name());
                phase.put("faultSeconds", fault.lasting().toSeconds());
                phase.put("faultedTenantCallbacksDuringFault", faultedDuring);
                // the faulted credential's sends the emulator failed (for TLS: handshakes failed)
                phase.put("faultedAnswers", faultedAnswers);
                phase.put("drainedSecondsAfterFaultEnd", drained == null ? null : drained.toMillis() / 1000.0);
                phase.put("otherTenantP99Millis", otherP99);
                phase.put("otherTenantP99BoundMillis", bound);
                phase.put("passed", ok);
                phases.add(phase);
                System.out.println("  " + fault.name() + ": " + (ok ? "ok" : "FAILED") + ", backlog drained "
                        + (drained == null ? "never" : drained.toMillis() / 1000.0 + " s")
                        + " after the fault, other tenant p99 "
                        + otherP99 + " ms (bound " + bound + ")");
                if (!ok) {
                    passed = false;
                    findings.add(fault.name()
                            + (drained == null ? ": backlog not drained within the window" : "")
                            + (faultedAnswers == 0 ? ": the fault never met a send" : "")
                            + (otherP99 > bound ? ": other tenant p99 " + otherP99 + " ms > " + bound : ""));
                }
            }
        } finally {
            senders.forEach(Sender::stop);
        }

        // exactly once: the database against the emulators
        Map<String, Object> counts = new LinkedHashMap<>();
        long accepted = 0;
        long delivered = 0;
        long lost = 0;
        long duplicated = 0;
        long duplicatedWithCause = 0;
        for (Sender sender : senders) {
            awaitDelivered(platform, List.of(sender), Instant.now(), DELIVERY_WINDOW);
            Map<String, String> statuses = statuses(platform, sender.tenantId);
            Map<String, Integer> arrivals = arrivals(sender, sandbox, apns);
            long senderLost = 0;
            long senderTwice = 0;
            List<String> twice = new ArrayList<>();
            long notDelivered = 0;
            for (String eventId : sender.accepted.keySet()) {
                if (!"delivered".equals(statuses.get(eventId))) {
                    notDelivered++;
                }
                int times = arrivals.getOrDefault(eventId, 0);
                if (times == 0) {
                    senderLost++;
                } else if (times > 1) {
                    senderTwice++;
                    twice.add(eventId);
                }
            }
            long unexpected = arrivals.keySet().stream()
                    .filter(eventId -> !sender.accepted.containsKey(eventId))
                    .count();
            Map<String, Object> tenant = new LinkedHashMap<>();
            tenant.put("accepted", sender.accepted.size());
            tenant.put("refused", sender.refused.get());
            tenant.put("inDatabase", statuses.size());
            tenant.put("notDelivered", notDelivered);
            tenant.put("lost", senderLost);
            tenant.put("duplicated", senderTwice);
            // why: the failed attempts of each duplicated notification before it was delivered
            tenant.put("duplicatedByFailedAttempts", failedAttempts(platform, sender.tenantId, twice));
            long twiceWithCause = withUnknownOutcome(platform, sender.tenantId, twice);
            tenant.put("duplicatedWithCause", twiceWithCause);
            tenant.put("atEmulatorNotAccepted", unexpected);
            counts.put(sender.tenant.name(), tenant);
            accepted += sender.accepted.size();
            delivered += sender.accepted.size() - notDelivered;
            lost += senderLost;
            duplicated += senderTwice;
            duplicatedWithCause += twiceWithCause;
            if (senderLost > 0
                    || senderTwice > twiceWithCause
                    || notDelivered > 0
                    || unexpected > 0
                    || statuses.size() != sender.accepted.size()
                    || sender.refused.get() > 0) {
                passed = false;
                findings.add(sender.tenant.name() + ": " + tenant);
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("phases", phases);
        figures.put("tenants", counts);
        figures.put("accepted", accepted);
        figures.put("delivered", delivered);
        figures.put("lost", lost);
        figures.put("duplicated", duplicated);
        figures.put("duplicatedWithCause", duplicatedWithCause);
        figures.put("findings", findings);
        figures.put(
                "isolationBound",
                "other tenant's p99 during a fault <= " + ISOLATION_FACTOR + " x its p99 without faults + "
                        + ISOLATION_SLACK_MILLIS + " ms");
        figures.put("seconds", (System.nanoTime() - started) / 1_000_000_000L);
        String summary = faults.size() + " faults, " + accepted + " callbacks accepted, " + delivered + " delivered, "
                + lost + " lost, " + duplicated + " duplicated (" + duplicatedWithCause + " with cause); "
                + phases.stream()
                        .skip(1)
                        .map(phase -> phase.get("phase") + " drained " + phase.get("drainedSecondsAfterFaultEnd")
                                + " s, other p99 " + phase.get("otherTenantP99Millis") + "/"
                                + phase.get("otherTenantP99BoundMillis") + " ms")
                        .reduce((a, b) -> a + "; " + b)
                        .orElse("")
                + (findings.isEmpty() ? "" : "; FOUND: " + findings);
        return new DrillResult(name(), passed, summary, figures);
    }

    private static DrillTenants.ApnsKey apnsKey(ApnsAuthKey key, String topic) {
        return new DrillTenants.ApnsKey(key.privateKeyPem(), key.keyId(), key.teamId(), topic);
    }

    /** Callbacks of one tenant, signed, at a steady rate, on a thread of its own; what was accepted when. */
    private static final class Sender {
        final DrillTenants.Tenant tenant;
        final UUID tenantId;
        final List<String> sessions = new ArrayList<>();
        final Map<String, Instant> accepted = new ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
        private final URI callbackUri;
        private final HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private volatile boolean running;
        private Thread thread;

        Sender(StandalonePlatform platform, DrillTenants.Tenant tenant, boolean apns, int devices, DrillTenants tenants)
                throws IOException, InterruptedException, SQLException {
            this.tenant = tenant;
            this.callbackUri = platform.deliveryService().resolve(tenant.callbackPath());
            Random random = new Random();
            for (int i = 0; i < devices; i++) {
                String sessionId = "session-" + UUID.randomUUID();
                byte[] token = new byte[apns ? 32 : 96];
                random.nextBytes(token);
                tenants.register(
                        tenant,
                        apns
                                ? HexFormat.of().formatHex(token)
                                : java.util.Base64.getUrlEncoder()
                                        .withoutPadding()
                                        .encodeToString(token),
                        sessionId,
                        apns);
                sessions.add(sessionId);
            }
            try (Connection db = platform.connect();
                    PreparedStatement query =
                            db.prepareStatement("SELECT tenant_id FROM tenancy.configuration WHERE id = ?")) {
                query.setObject(1, tenant.configurationId());
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    this.tenantId = row.getObject(1, UUID.class);
                }
            }
        }

        void start(int perSecond) {
            running = true;
            thread = new Thread(
                    () -> {
                        long interval = 1_000_000_000L / perSecond;
                        long next = System.nanoTime();
                        int n = 0;
                        while (running) {
                            String eventId = "drill-" + UUID.randomUUID();
                            String sessionId = sessions.get(n++ % sessions.size());
                            String body = "{\"eventId\":\"" + eventId + "\",\"sessionId\":\"" + sessionId
                                    + "\",\"eventDate\":\"" + Instant.now() + "\"}";
                            Instant sent = Instant.now();
                            try {
                                HttpResponse<Void> response = http.send(
                                        HttpRequest.newBuilder(callbackUri)
                                                .timeout(Duration.ofSeconds(30))
                                                .header("Content-Type", "application/json")
                                                .header(
                                                        AxpSignature.HEADER,
                                                        AxpSignature.sign(tenant.secret(), eventId, sessionId))
                                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding());
                                if (response.statusCode() == 202) {
                                    accepted.put(eventId, sent);
                                } else {
                                    refused.incrementAndGet();
                                }
                            } catch (IOException e) {
                                refused.incrementAndGet();
                            } catch (InterruptedException e) {
                                return;
                            }
                            next += interval;
                            long wait = next - System.nanoTime();
                            if (wait > 0) {
                                try {
                                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                                } catch (InterruptedException e) {
                                    return;
                                }
                            } else {
                                next = System.nanoTime();
                            }
                        }
                    },
                    "drill-sender-" + tenant.name());
            thread.start();
        }

        void stop() {
            running = false;
            try {
                thread.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        long sentBetween(Instant from, Instant to) {
            return accepted.values().stream()
                    .filter(at -> !at.isBefore(from) && at.isBefore(to))
                    .count();
        }
    }

    /**
     * Waits until every notification of {@code senders}' tenants received before {@code before} is
     * finished; answers how long that took, or {@code null} when {@code window} passed first.
     */
    private static Duration awaitDelivered(
            StandalonePlatform platform, List<Sender> senders, Instant before, Duration window)
            throws SQLException, InterruptedException {
        long start = System.nanoTime();
        try (Connection db = platform.connect();
                PreparedStatement query = db.prepareStatement("SELECT count(*) FROM delivery.notification"
                        + " WHERE tenant_id = ANY (?) AND completed_at IS NULL AND received_at < ?")) {
            query.setArray(
                    1,
                    db.createArrayOf(
                            "uuid", senders.stream().map(s -> s.tenantId).toArray()));
            query.setObject(2, java.time.OffsetDateTime.ofInstant(before, java.time.ZoneOffset.UTC));
            while (true) {
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    if (row.getLong(1) == 0) {
                        return Duration.ofNanos(System.nanoTime() - start);
                    }
                }
                if (System.nanoTime() - start > window.toNanos()) {
                    return null;
                }
                Thread.sleep(250);
            }
        }
    }

    /**
     * How many of {@code eventIds} had each kind of failed attempt before they were delivered, by its
     * error codes in order (e.g. {@code "timeout"}: a send given up after the send timeout, which the
     * provider may have taken all the same); {@code "none"}: delivered at the first attempt.
     */
    private static Map<String, Long> failedAttempts(StandalonePlatform platform, UUID tenantId, List<String> eventIds)
            throws SQLException {
        Map<String, Long> byHistory = new java.util.TreeMap<>();
        if (eventIds.isEmpty()) {
            return byHistory;
        }
        try (Connection db = platform.connect();
                PreparedStatement query = db.prepareStatement("SELECT coalesce(string_agg(DISTINCT a.error_code, ','"
                        + " ORDER BY a.error_code) FILTER (WHERE a.error_code IS NOT NULL), 'none')"
                        + " FROM delivery.notification n JOIN delivery.attempt a ON a.notification_id = n.id"
                        + " WHERE n.tenant_id = ? AND n.event_id = ANY (?) GROUP BY n.id")) {
            query.setObject(1, tenantId);
            query.setArray(2, db.createArrayOf("text", eventIds.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    byHistory.merge(rows.getString(1), 1L, Long::sum);
                }
            }
        }
        return byHistory;
    }

    /**
     * How many of {@code eventIds} had an attempt whose outcome the platform could not know — a send
     * timed out, or its connection failed or closed before the answer ({@code timeout}, {@code
     * io_error}, {@code channel_closed}) — and so was sent again by design: the one duplicate no
     * sender can rule out (FCM takes no idempotency key; a reset HTTP/2 connection loses the answers
     * of every send on it), and the benchmark's rule too (README, "Benchmarks"). Any other
     * duplicate fails the drill.
     */
    private static long withUnknownOutcome(StandalonePlatform platform, UUID tenantId, List<String> eventIds)
            throws SQLException {
        if (eventIds.isEmpty()) {
            return 0;
        }
        try (Connection db = platform.connect();
                PreparedStatement query = db.prepareStatement(
                        "SELECT count(*) FROM delivery.notification n"
                                + " WHERE n.tenant_id = ? AND n.event_id = ANY (?) AND EXISTS (SELECT FROM delivery.attempt a"
                                + " WHERE a.notification_id = n.id AND a.error_code IN ('timeout', 'io_error', 'channel_closed'))")) {
            query.setObject(1, tenantId);
            query.setArray(2, db.createArrayOf("text", eventIds.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static Map<String, String> statuses(StandalonePlatform platform, UUID tenantId) throws SQLException {
        Map<String, String> statuses = new HashMap<>();
        try (Connection db = platform.connect();
                PreparedStatement query =
                        db.prepareStatement("SELECT event_id, status FROM delivery.notification WHERE tenant_id = ?")) {
            query.setObject(1, tenantId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    statuses.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return statuses;
    }

    /** Each event of the tenant at its emulator: how many times, and when it first arrived. */
    private static Map<String, List<Instant>> received(Sender sender, URI sandbox, ApnsEmulator apns)
            throws IOException, InterruptedException {
        Map<String, List<Instant>> received = new HashMap<>();
        if (sender.tenant.name().startsWith("APNs")) {
            String topic = sender.tenant.name().endsWith("A") ? "io.pushgate.drill.a" : "io.pushgate.drill.b";
            for (ApnsNotification notification : apns.notifications()) {
                if (topic.equals(notification.topic())) {
                    received.computeIfAbsent(
                                    notification.payloadJson().path("eventId").asString(), e -> new ArrayList<>())
                            .add(notification.receivedAt());
                }
            }
            return received;
        }
        HttpClient http = HttpClient.newHttpClient();
        String before = null;
        do {
            URI page = sandbox.resolve("/emulator/fcm/messages?limit=10000&projectId=sandbox-" + sender.tenantId
                    + (before == null ? "" : "&before=" + before));
            JsonNode answer =
                    JSON.readTree(http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString())
                            .body());
            for (JsonNode item : answer.get("items")) {
                received.computeIfAbsent(item.at("/message/data/eventId").asString(), e -> new ArrayList<>())
                        .add(Instant.parse(item.get("receivedAt").asString()));
            }
            before = answer.get("nextBefore").isNull()
                    ? null
                    : answer.get("nextBefore").asString();
        } while (before != null);
        return received;
    }

    private static Map<String, Integer> arrivals(Sender sender, URI sandbox, ApnsEmulator apns)
            throws IOException, InterruptedException {
        Map<String, Integer> arrivals = new HashMap<>();
        received(sender, sandbox, apns).forEach((eventId, times) -> arrivals.put(eventId, times.size()));
        return arrivals;
    }

    private static Map<String, Instant> latencies(Sender sender, URI sandbox, ApnsEmulator apns)
            throws IOException, InterruptedException {
        Map<String, Instant> first = new HashMap<>();
        received(sender, sandbox, apns)
                .forEach((eventId, times) -> first.put(
                        eventId, times.stream().min(Instant::compareTo).get()));
        return first;
    }

    /** The p99 of send → arrival of the sender's callbacks accepted in [from, to); a missing arrival counts as the window. */
    private static long p99(Sender sender, Map<String, Instant> arrivals, Instant from, Instant to) {
        List<Long> millis = new ArrayList<>();
        sender.accepted.forEach((eventId, sent) -> {
            if (!sent.isBefore(from) && sent.isBefore(to)) {
                Instant arrived = arrivals.get(eventId);
                millis.add(
                        arrived == null
                                ? DELIVERY_WINDOW.toMillis()
                                : Duration.between(sent, arrived).toMillis());
            }
        });
        if (millis.isEmpty()) {
            return 0;
        }
        millis.sort(Long::compare);
        return millis.get((int) Math.min(millis.size() - 1, Math.ceil(0.99 * millis.size()) - 1));
    }

    private static void fcmFault(URI sandbox, String projectId, String body) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(sandbox.resolve("/emulator/fcm/projects/" + projectId + "/fault"))
                                    .PUT(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 204) {
                throw new IllegalStateException("the FCM emulator refused the fault: " + response.body());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long faultedAnswers(Fault fault, ApnsEmulator apns, ApnsAuthKey key, URI sandbox, String project)
            throws IOException, InterruptedException {
        if (!fault.apns()) {
            return fcmFaultedSends(sandbox, project);
        }
        return fault.name().contains("tls") ? apns.failedHandshakes() : apns.faultedSends(key.keyId());
    }

    private static long fcmFaultedSends(URI sandbox, String projectId) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(sandbox.resolve("/emulator/fcm/projects/" + projectId + "/fault"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).get("faultedSends").asLong();
    }
}
