package io.pushgate.delivery.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.AxpSignature;
import io.pushgate.api.Scopes;
import io.pushgate.api.axp.AxpEvent;
import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.database.ServerConnections;
import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.delivery.callbacklog.RefusalReason;
import io.pushgate.delivery.dispatch.DeliveryFixtures;
import io.pushgate.delivery.notification.NotificationStatus;
import io.pushgate.delivery.registration.ActiveRegistrations;
import io.pushgate.emulator.FcmEmulator;
import io.pushgate.emulator.FcmServiceAccount;
import io.pushgate.testkit.TestIssuer;
import io.r2dbc.spi.ConnectionFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/stats/series} over real HTTP, from callbacks sent for real (accepted, duplicate,
 * refused for several reasons) and deliveries through the FCM emulator (delivered, no device, token
 * invalid): every number exact. The flush and the registrations' count run only when a test says so,
 * so that what the series shows is exactly what was sent.
 */
@DeliveryServiceTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "pushgate.security.allow-loopback-jwks=true",
            "pushgate.security.jwks-refresh-interval=0s",
            "pushgate.dispatch.enabled=true",
            "pushgate.dispatch.sweep-interval=200ms",
            "pushgate.providers.send-timeout=5s",
            "pushgate.stats.flush-interval=1h",
            "pushgate.stats.registrations-interval=1h",
            "pushgate.stats.max-points=1500"
        })
// its emulator stops with the class: so must its dispatcher
@DirtiesContext
class StatsSeriesIntegrationTests {

    static final String PLATFORM_ISSUER = "http://platform.pushgate.test";
    static final TestIssuer PLATFORM = TestIssuer.ec(PLATFORM_ISSUER);
    private static final FcmEmulator fcm = FcmEmulator.start();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @LocalServerPort
    int port;

    @Autowired
    RollupFlusher flusher;

    @Autowired
    Rollups rollups;

    @Autowired
    ActiveRegistrations active;

    @Autowired
    StatsSettings settings;

    @Autowired
    ServerConnections server;

    @Autowired
    DatabaseClient database;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("pushgate.security.platform-issuer", () -> PLATFORM_ISSUER);
        registry.add(
                "pushgate.security.platform-jwks-uri", () -> PLATFORM.jwksUri().toString());
        registry.add("pushgate.providers.fcm-url", () -> fcm.baseUri().toString());
    }

    @BeforeAll
    static void emulator() {
        // nothing: the emulator started with the class
    }

    @AfterAll
    static void stopEmulator() {
        fcm.close();
    }

    @Test
    void callbacksByAnswerDeliveriesByStatusLatencyAndRegistrationsAreExactlyWhatWasSent() throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        FcmServiceAccount account =
                fcm.mintServiceAccount("project-" + UUID.randomUUID().toString().substring(0, 8));
        UUID credential = DeliveryFixtures.fcmCredential(configuration.tenantId(), account);
        DeliveryFixtures.deliverySettings(configuration, credential, credential, "Agent replied", "Tap", 600);
        Instant started = Instant.now();

        // three devices that take the push (one of them slow), one whose token FCM no longer knows
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String token = DeliveryFixtures.fcmToken();
            String session = "session-ok-" + i + "-" + UUID.randomUUID();
            DeliveryFixtures.registration(configuration, token, session, "android", "fcm");
            sessions.add(session);
            if (i == 2) {
                fcm.injectLatency(token, Duration.ofMillis(300));
            }
        }
        String dead = DeliveryFixtures.fcmToken();
        String deadSession = "session-dead-" + UUID.randomUUID();
        DeliveryFixtures.registration(configuration, dead, deadSession, "android", "fcm");
        fcm.unregister(dead);

        List<UUID> notifications = new ArrayList<>();
        List<AxpEvent> events = new ArrayList<>();
        for (String session : sessions) {
            events.add(DeliveryFixtures.event(session));
        }
        events.add(DeliveryFixtures.event(deadSession));
        events.add(DeliveryFixtures.event("session-without-device-" + UUID.randomUUID()));
        for (AxpEvent event : events) {
            HttpResponse<String> accepted = DeliveryFixtures.callback(port, configuration, event);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            notifications.add(DeliveryFixtures.notificationId(accepted));
        }
        // two duplicates
        for (AxpEvent event : events.subList(0, 2)) {
            assertThat(DeliveryFixtures.callback(port, configuration, event).statusCode())
                    .isEqualTo(200);
        }
        // refused: two without a signature, one signed with another secret, one malformed, one not JSON
        String body = "{\"eventId\":\"e-1\",\"sessionId\":\"s-1\"}";
        assertThat(callback(configuration.callbackKey(), "application/json", null, body))
                .isEqualTo(401);
        assertThat(callback(configuration.callbackKey(), "application/json", null, body))
                .isEqualTo(401);
        assertThat(callback(
                        configuration.callbackKey(),
                        "application/json",
                        AxpSignature.sign("another secret", "e-1", "s-1"),
                        body))
                .isEqualTo(401);
        assertThat(callback(
                        configuration.callbackKey(),
                        "application/json",
                        AxpSignature.sign(configuration.secret(), "e-2", "s-2"),
                        "{\"eventId\":\"e-2\"}"))
                .isEqualTo(400);
        assertThat(callback(
                        configuration.callbackKey(),
                        "text/plain",
                        AxpSignature.sign(configuration.secret(), "e-1", "s-1"),
                        body))
                .isEqualTo(415);

        Map<String, String> endings = new LinkedHashMap<>();
        for (UUID id : notifications) {
            endings.put(id.toString(), DeliveryFixtures.awaitFinished(id));
        }
        assertThat(endings.values())
                .containsExactly("delivered", "delivered", "delivered", "token_invalid", "no_device");
        // the registrations were made in SQL, not through the API: a recount finds them
        flusher.recount().block(Duration.ofSeconds(60));
        flusher.sampleRegistrations().block(Duration.ofSeconds(10));
        String reader = reader(configuration.tenantId());
        // the 415 is attributed to its configuration after the answer: wait until it is counted
        DeliveryFixtures.await(Duration.ofSeconds(20), () -> {
            flush();
            return totals(series(reader, started, "1m", null)).refused() == 5;
        });

        JsonNode series = series(reader, started, "1m", null);
        assertThat(series.get("step").asString()).isEqualTo("1m");
        Totals totals = totals(series);
        assertThat(totals.accepted()).isEqualTo(5);
        assertThat(totals.duplicate()).isEqualTo(2);
        assertThat(totals.refused()).isEqualTo(5);
        assertThat(totals.refusedByReason())
                .containsEntry(RefusalReason.SIGNATURE_MISSING.text(), 2L)
                .containsEntry(RefusalReason.SIGNATURE_MISMATCH.text(), 1L)
                .containsEntry(RefusalReason.MALFORMED_EVENT.text(), 1L)
                .containsEntry(RefusalReason.UNSUPPORTED_MEDIA_TYPE.text(), 1L)
                .containsEntry(RefusalReason.SIGNATURE_MALFORMED.text(), 0L)
                .containsEntry(RefusalReason.TOO_LARGE.text(), 0L)
                .hasSize(RefusalReason.values().length);
        assertThat(totals.notifications())
                .containsEntry(NotificationStatus.DELIVERED.text(), 3L)
                .containsEntry(NotificationStatus.TOKEN_INVALID.text(), 1L)
                .containsEntry(NotificationStatus.NO_DEVICE.text(), 1L)
                .containsEntry(NotificationStatus.FAILED.text(), 0L)
                .containsEntry(NotificationStatus.EXPIRED.text(), 0L)
                .doesNotContainKeys(NotificationStatus.ACCEPTED.text(), NotificationStatus.RETRYING.text());
        assertThat(totals.removedAsDead()).isEqualTo(1);
        // four registrations, one of them now dead
        assertThat(last(series).at("/registrations/active").asLong()).isEqualTo(3);

        // the same numbers at 1h (one or two points), and the latency merged over the whole span
        JsonNode hourly = series(reader, started, "1h", null);
        assertThat(totals(hourly)).isEqualTo(totals);
        // four answers from the provider (no_device had none); the slowest took at least 300 ms
        JsonNode answered = hourly.get("points")
                .valueStream()
                .filter(point -> !point.at("/latencyMs/p99").isNull())
                .findFirst()
                .orElseThrow();
        double p50 = answered.at("/latencyMs/p50").asDouble();
        double p99 = answered.at("/latencyMs/p99").asDouble();
        assertThat(p50).isPositive().isLessThanOrEqualTo(p99);
        assertThat(p99).isGreaterThanOrEqualTo(300.0);
        // the percentile is a bucket's upper bound (to the microsecond): at most the bound of the bucket
        // of the database's own measure of the slowest (which ends at the write after the answer)
        double slowestInDatabase = slowestAnswerMillis(configuration.id());
        assertThat(p99)
                .isLessThanOrEqualTo(LatencyHistogram.upperBound(LatencyHistogram.bucket(slowestInDatabase)) + 0.001);
    }

    /**
     * A recount of the active registrations reads the table a slice of blocks at a time (here one block,
     * so that the test's configuration lies in several slices) and adds the slices up exactly; after each
     * slice it pauses twenty times as long as the slice took (here the first slice waits 2 s for the
     * test's lock on the table, as a slice of a big table may take a while), so that recounting never
     * takes more than a twentieth of a core; the operator is told what it took and what it corrected.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void theRecountReadsSliceBySliceAddsThemUpAndPausesTwentyTimesEachSlicesLength(CapturedOutput output)
            throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        Instant started = Instant.now();
        try (Connection connection = DeliveryFixtures.connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.registration (id, tenant_id, configuration_id, device_token, session_id,
                            platform, provider, expires_at, invalidated_at)
                        SELECT gen_random_uuid(), ?, ?, 'token-' || gen_random_uuid() || '-' || i, 'session-' || i,
                               'android', 'fcm',
                               now() + CASE WHEN i <= 30 THEN interval '-1 hour' ELSE interval '30 days' END,
                               CASE WHEN i BETWEEN 31 AND 50 THEN now() END
                          FROM generate_series(1, 200) AS i""")) {
            insert.setObject(1, configuration.tenantId());
            insert.setObject(2, configuration.id());
            insert.executeUpdate();
        }
        assertThat(blocksHolding(configuration.id()))
                .as("the configuration's registrations lie in several blocks")
                .isGreaterThanOrEqualTo(3);

        // a flusher of its own (one block a slice) whose pauses are only written down
        StatsSettings oneBlock = new StatsSettings(
                Duration.ofSeconds(5),
                Duration.ofSeconds(1),
                Duration.ofHours(1),
                Duration.ofHours(6),
                1,
                1500,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5));
        List<Duration> pauses = new CopyOnWriteArrayList<>();
        RollupFlusher sliced = new RollupFlusher(rollups, active, oneBlock, server, pause -> {
            pauses.add(pause);
            return Mono.empty();
        });
        try (Connection lock = DeliveryFixtures.connect()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("LOCK TABLE delivery.registration IN ACCESS EXCLUSIVE MODE");
            var recount = sliced.recount().toFuture();
            Thread.sleep(2000);
            assertThat(recount).as("the first slice waits for the lock").isNotDone();
            lock.commit();
            recount.get(60, TimeUnit.SECONDS);
        }
        sliced.sampleRegistrations().block(Duration.ofSeconds(30));
        flush();

        long blocks = active.blocks().block(Duration.ofSeconds(5));
        // a pause after every slice (the last one's before the table's end is seen), each slice a block
        assertThat(pauses).hasSize((int) blocks);
        // the first slice waited for the lock at least 1 s of the test's 2 (the rest: the recount's own lock)
        assertThat(pauses.get(0)).isGreaterThanOrEqualTo(Duration.ofSeconds(20));
        JsonNode series = series(reader(configuration.tenantId()), started, "1m", configuration.id());
        assertThat(last(series).at("/registrations/active").asLong()).isEqualTo(150);
        assertThat(output.getAll())
                .containsPattern("Active registrations recounted in \\d+\\.\\d s \\(" + blocks + " slices of 1 blocks,"
                        + " \\d{4,} ms reading, each slice followed by 20 times its length without one so that"
                        + " recounting takes at most 1/20 of a core\\): \\d+ counts corrected, \\d+ configurations"
                        + " with active registrations");
    }

    /**
     * The series carries a count of active registrations forward until a newer one. A process that starts
     * counting (a restart, a new instance) writes the 0 of a configuration none of whose registrations is
     * active any more even though it never wrote that configuration's last count itself.
     */
    @Test
    void aProcessThatStartsCountingWritesTheZeroOfACountAnotherWrote() throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        Instant started = Instant.now().minus(5, ChronoUnit.MINUTES);
        try (Connection connection = DeliveryFixtures.connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.stats_minute (tenant_id, configuration_id, minute, registrations_active)
                        VALUES (?, ?, date_bin('1 minute', now() - interval '3 minutes', 'epoch'), 5)""")) {
            insert.setObject(1, configuration.tenantId());
            insert.setObject(2, configuration.id());
            insert.executeUpdate();
        }
        String reader = reader(configuration.tenantId());
        assertThat(activeAtLastMinute(reader, started, configuration.id()))
                .as("the earlier process's count, carried forward")
                .isEqualTo(5);

        new RollupFlusher(rollups, active, settings, server)
                .sampleRegistrations()
                .block(Duration.ofSeconds(30));
        flush();

        assertThat(activeAtLastMinute(reader, started, configuration.id())).isZero();
    }

    /**
     * A recount that fails part-way (here its pause between two slices fails, as a statement of a slice
     * might) corrects nothing with its partial sums — they would be too low, or 0 — and says so; the
     * counts stand, and the next recount corrects them.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aRecountThatFailsPartWayCorrectsNothing(CapturedOutput output) throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        Instant started = Instant.now();
        for (int i = 0; i < 3; i++) {
            DeliveryFixtures.registration(configuration, DeliveryFixtures.fcmToken(), "session-" + i, "android", "fcm");
        }
        String reader = reader(configuration.tenantId());
        // slices of 128 blocks (the default): with real pauses, slices of one block would take a while
        StatsSettings defaultSlices = new StatsSettings(
                Duration.ofSeconds(5),
                Duration.ofHours(1),
                Duration.ofHours(1),
                Duration.ofHours(6),
                128,
                1500,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5));

        RollupFlusher counting = new RollupFlusher(rollups, active, defaultSlices, server);
        counting.recount().block(Duration.ofSeconds(60));
        counting.sampleRegistrations().block(Duration.ofSeconds(30));
        flush();
        assertThat(activeAtLastMinute(reader, started, configuration.id())).isEqualTo(3);
        // written in SQL, not through the API: only a recount finds it
        DeliveryFixtures.registration(configuration, DeliveryFixtures.fcmToken(), "session-3", "android", "fcm");

        new RollupFlusher(
                        rollups,
                        active,
                        defaultSlices,
                        server,
                        pause -> Mono.error(new IllegalStateException("the database went away")))
                .recount()
                .block(Duration.ofSeconds(30));
        counting.sampleRegistrations().block(Duration.ofSeconds(30));
        flush();
        assertThat(output.getAll())
                .contains("Active registrations not recounted, their counts left as they are:"
                        + " java.lang.IllegalStateException: the database went away");
        assertThat(activeAtLastMinute(reader, started, configuration.id()))
                .as("the count before, not the failed recount's partial sums (0 for a configuration not in its slice)")
                .isEqualTo(3);

        counting.recount().block(Duration.ofSeconds(60));
        counting.sampleRegistrations().block(Duration.ofSeconds(30));
        flush();
        assertThat(activeAtLastMinute(reader, started, configuration.id())).isEqualTo(4);
    }

    /**
     * One instance counts at a time, and one recounts: while another holds the count's advisory lock
     * (here the test, as an instance in the middle of a count would), this one leaves the count to it and
     * writes nothing; likewise the recount.
     */
    @Test
    void anInstanceLeavesTheCountAndTheRecountToTheOneDoingItAlready() throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        Instant started = Instant.now();
        DeliveryFixtures.registration(configuration, DeliveryFixtures.fcmToken(), "session-1", "android", "fcm");
        String reader = reader(configuration.tenantId());
        RollupFlusher instance = new RollupFlusher(rollups, active, settings, server);

        try (Connection other = DeliveryFixtures.connect();
                var lock = other.prepareStatement("SELECT pg_advisory_lock(hashtext(?))")) {
            lock.setString(1, RollupFlusher.RECOUNT_LOCK_NAME);
            lock.execute();
            instance.recount().block(Duration.ofSeconds(30));
            instance.sampleRegistrations().block(Duration.ofSeconds(30));
            flush();
            assertThat(activeAtLastMinute(reader, started, configuration.id()))
                    .as("not recounted while another instance recounts")
                    .isZero();
        }
        instance.recount().block(Duration.ofSeconds(30));

        try (Connection other = DeliveryFixtures.connect();
                var lock = other.prepareStatement("SELECT pg_advisory_lock(hashtext(?))")) {
            lock.setString(1, RollupFlusher.LOCK_NAME);
            lock.execute();
            instance.sampleRegistrations().block(Duration.ofSeconds(30));
            flush();
            assertThat(activeAtLastMinute(reader, started, configuration.id()))
                    .as("not counted while another instance counts")
                    .isZero();
        }

        // the other instance gone (its connection closed, its lock with it): this one counts
        instance.sampleRegistrations().block(Duration.ofSeconds(30));
        flush();
        assertThat(activeAtLastMinute(reader, started, configuration.id())).isEqualTo(1);
    }

    /**
     * A recount counts the registrations as the counts held them at its start and corrects each count by
     * the difference to that moment's: an expiry subtracted while it runs (here between its first two
     * slices) stays subtracted, and what only the recount finds (rows written in SQL) is added.
     */
    @Test
    void aRecountKeepsWhatWasSubtractedWhileItRan() throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        Instant started = Instant.now();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(DeliveryFixtures.registration(
                    configuration, DeliveryFixtures.fcmToken(), "session-" + i, "android", "fcm"));
        }
        RollupFlusher counting = new RollupFlusher(rollups, active, settings, server);
        counting.recount().block(Duration.ofSeconds(60));
        counting.sampleRegistrations().block(Duration.ofSeconds(30));
        // two more the counts do not know, and one of the three about to expire
        for (int i = 3; i < 5; i++) {
            DeliveryFixtures.registration(configuration, DeliveryFixtures.fcmToken(), "session-" + i, "android", "fcm");
        }
        Thread.sleep(1100);
        execute(
                "UPDATE delivery.registration SET expires_at = now() - interval '500 milliseconds' WHERE id = ?",
                ids.get(0));

        AtomicBoolean expiredOnce = new AtomicBoolean();
        new RollupFlusher(
                        rollups,
                        active,
                        settings,
                        server,
                        pause -> expiredOnce.compareAndSet(false, true) ? active.expire() : Mono.empty())
                .recount()
                .block(Duration.ofSeconds(60));
        assertThat(expiredOnce).as("an expiry subtracted during the recount").isTrue();
        counting.sampleRegistrations().block(Duration.ofSeconds(30));
        flush();

        assertThat(activeAtLastMinute(reader(configuration.tenantId()), started, configuration.id()))
                .isEqualTo(4);
    }

    @Test
    void everyStepInTheRangeIsAPointAndOneWithoutTrafficIsZeros() throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        String reader = reader(configuration.tenantId());
        Instant from = Instant.parse("2026-11-01T10:00:30Z");
        Instant to = Instant.parse("2026-11-01T11:00:00Z");

        JsonNode series = get("/v1/stats/series?from=" + from + "&to=" + to + "&step=1m", reader, 200)
                .json();

        List<JsonNode> points = series.get("points").valueStream().toList();
        assertThat(points).hasSize(60);
        for (int i = 0; i < points.size(); i++) {
            JsonNode point = points.get(i);
            assertThat(Instant.parse(point.get("at").asString()))
                    .isEqualTo(Instant.parse("2026-11-01T10:00:00Z").plus(i, ChronoUnit.MINUTES));
            assertThat(point.at("/callbacks/accepted").asLong()).isZero();
            assertThat(point.at("/callbacks/duplicate").asLong()).isZero();
            assertThat(point.at("/callbacks/refused").asLong()).isZero();
            assertThat(point.get("notifications").size()).isEqualTo(5);
            point.get("notifications").forEach(n -> assertThat(n.asLong()).isZero());
            assertThat(point.at("/latencyMs/p50").isNull()).isTrue();
            assertThat(point.at("/latencyMs/p99").isNull()).isTrue();
            assertThat(point.at("/registrations/active").asLong()).isZero();
        }
        JsonNode daily = get("/v1/stats/series?from=2026-10-01T00:00:00Z&to=2026-10-31T00:00:00Z&step=1d", reader, 200)
                .json();
        assertThat(daily.get("points").size()).isEqualTo(30);
        assertThat(daily.get("step").asString()).isEqualTo("1d");
    }

    /**
     * Two instances' counts of the same minutes (here two {@link Rollups} flushing to the one database,
     * each also flushing twice) add up exactly, the latency histograms too.
     */
    @Test
    void twoInstancesFlushingTheSameMinutesMergeExactly() throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        UUID tenant = configuration.tenantId();
        UUID id = configuration.id();
        long minute = Instant.parse("2026-11-02T08:15:00Z").toEpochMilli();
        Rollups one = new Rollups(database, () -> minute + 1_000);
        Rollups two = new Rollups(database, () -> minute + 59_000);
        // latencies: 1..100 ms, half counted by each instance, each flushing halfway
        for (int ms = 1; ms <= 100; ms++) {
            Rollups instance = ms % 2 == 0 ? one : two;
            instance.notificationFinished(tenant, id, NotificationStatus.DELIVERED, Duration.ofMillis(ms));
            instance.callbackStored(tenant, id, false);
            if (ms % 7 == 0) {
                instance.callbackStored(tenant, id, true);
            }
            if (ms % 10 == 0) {
                instance.callbackRefused(tenant, id, RefusalReason.SIGNATURE_MISMATCH);
                instance.registrationRemovedAsDead(tenant, id);
            }
            if (ms == 50) {
                one.flush().block(Duration.ofSeconds(10));
                two.flush().block(Duration.ofSeconds(10));
            }
        }
        one.flush().block(Duration.ofSeconds(10));
        two.flush().block(Duration.ofSeconds(10));
        assertThat(one.isEmpty()).isTrue();
        assertThat(two.isEmpty()).isTrue();

        JsonNode series = get(
                        "/v1/stats/series?from=2026-11-02T08:15:00Z&to=2026-11-02T08:16:00Z&step=1m&configurationId="
                                + id,
                        reader(tenant),
                        200)
                .json();
        JsonNode point = series.get("points").get(0);
        assertThat(series.get("points").size()).isEqualTo(1);
        assertThat(point.at("/callbacks/accepted").asLong()).isEqualTo(100);
        assertThat(point.at("/callbacks/duplicate").asLong()).isEqualTo(14);
        assertThat(point.at("/callbacks/refused").asLong()).isEqualTo(10);
        assertThat(point.at("/callbacks/refusedByReason/signature-mismatch").asLong())
                .isEqualTo(10);
        assertThat(point.at("/notifications/delivered").asLong()).isEqualTo(100);
        assertThat(point.at("/registrations/removedAsDead").asLong()).isEqualTo(10);
        // the 50th of 1..100 ms is 50 ms, in (2^(22/4), 2^(23/4)] = (45.25, 53.82]; the 99th is 99 ms,
        // in (2^(26/4), 2^(27/4)] = (90.51, 107.63]
        assertThat(point.at("/latencyMs/p50").asDouble()).isEqualTo(53.817);
        assertThat(point.at("/latencyMs/p99").asDouble()).isEqualTo(107.635);
    }

    @Test
    void aConfigurationsSeriesHasOnlyItsOwnCounts() throws Exception {
        TestConfigurations.Inserted mine = DeliveryFixtures.configuration();
        TestConfigurations.Inserted other;
        try (Connection connection = DeliveryFixtures.connect()) {
            other = TestConfigurations.configuration().tenant(mine.tenantId()).insert(connection);
        }
        long minute = Instant.parse("2026-11-03T09:00:00Z").toEpochMilli();
        Rollups rollups = new Rollups(database, () -> minute);
        rollups.callbackStored(mine.tenantId(), mine.id(), false);
        rollups.callbackStored(other.tenantId(), other.id(), false);
        rollups.callbackStored(other.tenantId(), other.id(), false);
        rollups.flush().block(Duration.ofSeconds(10));
        String reader = reader(mine.tenantId());
        String range = "/v1/stats/series?from=2026-11-03T09:00:00Z&to=2026-11-03T09:01:00Z&step=1m";

        assertThat(get(range, reader, 200)
                        .json()
                        .at("/points/0/callbacks/accepted")
                        .asLong())
                .isEqualTo(3);
        assertThat(get(range + "&configurationId=" + mine.id(), reader, 200)
                        .json()
                        .at("/points/0/callbacks/accepted")
                        .asLong())
                .isEqualTo(1);
        assertThat(get(range + "&configurationId=" + other.id(), reader, 200)
                        .json()
                        .at("/points/0/callbacks/accepted")
                        .asLong())
                .isEqualTo(2);
        // another tenant sees none of it
        TestConfigurations.Inserted stranger = DeliveryFixtures.configuration();
        assertThat(get(range, reader(stranger.tenantId()), 200)
                        .json()
                        .at("/points/0/callbacks/accepted")
                        .asLong())
                .isZero();
    }

    @Test
    void badInputsAnswerProblemsNamingTheField() throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        String reader = reader(configuration.tenantId());
        String path = "/v1/stats/series";

        assertInvalid(get(path + "?from=2026-11-02T10:00:00Z&to=2026-11-02T09:00:00Z", reader, 400), "from");
        assertInvalid(get(path + "?from=2026-11-02T10:00:00Z&to=2026-11-02T10:00:00Z", reader, 400), "from");
        assertInvalid(get(path + "?step=5m", reader, 400), "step");
        assertInvalid(get(path + "?step=", reader, 400), "step");
        // 1,501 minutes at 1m: one too many; 1,500 is fine
        assertInvalid(get(path + "?from=2026-11-01T00:00:00Z&to=2026-11-02T01:01:00Z&step=1m", reader, 400), "from");
        assertThat(get(path + "?from=2026-11-01T00:00:00Z&to=2026-11-02T01:00:00Z&step=1m", reader, 200)
                        .json()
                        .get("points")
                        .size())
                .isEqualTo(1500);
        assertInvalid(get(path + "?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&step=1d", reader, 400), "from");
        assertInvalid(get(path + "?from=yesterday", reader, 400), "from");
        assertInvalid(get(path + "?to=" + encode("2026-11-02 10:00"), reader, 400), "to");
        assertInvalid(get(path + "?configurationId=not-an-id", reader, 400), "configurationId");

        TestConfigurations.Inserted theirs = DeliveryFixtures.configuration();
        String foreign =
                get(path + "?configurationId=" + theirs.id(), reader, 404).body();
        String unknown =
                get(path + "?configurationId=" + UUID.randomUUID(), reader, 404).body();
        assertThat(foreign)
                .contains(DeliveryApiProblem.NOT_FOUND.type().toString())
                .isEqualTo(unknown)
                .doesNotContain(theirs.id().toString());

        get(path, null, 401);
        get(path, token(configuration.tenantId()).scope(Scopes.REGISTRATIONS).sign(), 403);
    }

    private static void assertInvalid(Answer answer, String field) {
        JsonNode problem = answer.json();
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(problem.get("type").asString())
                .isEqualTo(DeliveryApiProblem.INVALID_FIELD.type().toString());
        assertThat(problem.get("field").asString()).as(answer.body()).isEqualTo(field);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void execute(String sql, UUID parameter) throws SQLException {
        try (Connection connection = DeliveryFixtures.connect();
                var statement = connection.prepareStatement(sql)) {
            statement.setObject(1, parameter);
            statement.executeUpdate();
        }
    }

    /** In how many of the registration table's blocks the configuration's registrations lie. */
    private static long blocksHolding(UUID configurationId) throws SQLException {
        try (Connection connection = DeliveryFixtures.connect();
                var query = connection.prepareStatement("""
                        SELECT count(DISTINCT (ctid::text::point)[0]) FROM delivery.registration
                         WHERE configuration_id = ?""")) {
            query.setObject(1, configurationId);
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private void flush() {
        flusher.flush().block(Duration.ofSeconds(30));
    }

    /** The series from the minute of {@code from} to the next minute's end. */
    private JsonNode series(String reader, Instant from, String step, UUID configurationId) {
        String path = "/v1/stats/series?from=" + from.truncatedTo(ChronoUnit.MINUTES) + "&to="
                + Instant.now().plus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES) + "&step=" + step
                + (configurationId == null ? "" : "&configurationId=" + configurationId);
        return get(path, reader, 200).json();
    }

    /** The dashboard's count of active registrations of the configuration in the series' last minute. */
    private long activeAtLastMinute(String reader, Instant from, UUID configurationId) {
        return last(series(reader, from, "1m", configurationId))
                .at("/registrations/active")
                .asLong();
    }

    private static JsonNode last(JsonNode series) {
        JsonNode points = series.get("points");
        return points.get(points.size() - 1);
    }

    record Totals(
            long accepted,
            long duplicate,
            long refused,
            Map<String, Long> refusedByReason,
            Map<String, Long> notifications,
            long removedAsDead) {}

    private static Totals totals(JsonNode series) {
        long accepted = 0;
        long duplicate = 0;
        long refused = 0;
        long removed = 0;
        Map<String, Long> byReason = new LinkedHashMap<>();
        Map<String, Long> notifications = new LinkedHashMap<>();
        for (JsonNode point : series.get("points")) {
            accepted += point.at("/callbacks/accepted").asLong();
            duplicate += point.at("/callbacks/duplicate").asLong();
            refused += point.at("/callbacks/refused").asLong();
            removed += point.at("/registrations/removedAsDead").asLong();
            point.at("/callbacks/refusedByReason")
                    .properties()
                    .forEach(entry ->
                            byReason.merge(entry.getKey(), entry.getValue().asLong(), Long::sum));
            point.get("notifications")
                    .properties()
                    .forEach(entry ->
                            notifications.merge(entry.getKey(), entry.getValue().asLong(), Long::sum));
        }
        return new Totals(accepted, duplicate, refused, byReason, notifications, removed);
    }

    /** The slowest acceptance → answer of the configuration's answered notifications, as the database has it. */
    private static double slowestAnswerMillis(UUID configurationId) throws SQLException {
        try (Connection connection = DeliveryFixtures.connect();
                var select = connection.prepareStatement("""
                        SELECT max(extract(epoch FROM answered_at - received_at) * 1000)::float8
                          FROM delivery.notification WHERE configuration_id = ? AND answered_at IS NOT NULL""")) {
            select.setObject(1, configurationId);
            try (var rows = select.executeQuery()) {
                rows.next();
                return rows.getDouble(1);
            }
        }
    }

    private int callback(String callbackKey, String contentType, String signature, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/axp/callbacks/" + callbackKey))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header(AxpSignature.HEADER, signature);
        }
        return send(request.build()).statusCode();
    }

    record Answer(String body, String contentType) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private Answer get(String path, String token, int expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = send(request.build());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(expected);
        return new Answer(
                response.body(), response.headers().firstValue("Content-Type").orElse(""));
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String reader(UUID tenantId) {
        return token(tenantId).scope(Scopes.TENANT_READ).sign();
    }

    private static TestIssuer.Token token(UUID tenantId) {
        return PLATFORM.token().audience("pushgate").subject("member-1").claim("tenant_id", tenantId.toString());
    }

    @Test
    void aCountWhoseServerTakesTheConnectionAndNeverAnswersGivesWayToTheNextInterval(@Autowired ConnectionFactory pool)
            throws Exception {
        // a flusher of its own, counting every second, whose direct URL takes connections and never answers
        try (SilentServer silent = new SilentServer()) {
            RollupFlusher counting = startedFlusher(Duration.ofSeconds(1), silent, pool);
            counting.ready();
            try {
                silent.awaitConnections(3, Duration.ofSeconds(20));
            } finally {
                counting.stop();
            }
            assertThat(silent.taken)
                    .as("counts that connected to the silent server, one an interval")
                    .hasSizeGreaterThanOrEqualTo(3);
        }
    }

    /**
     * The registrations are first counted when the service is ready (after the warm-up), not when the
     * flusher starts: a count at start read every configuration's counts beside the warm-up's synthetic
     * callbacks and made it fail. Its lock's connection, to a server that takes connections and never
     * answers, shows when it counts.
     */
    @Test
    void theRegistrationsAreFirstCountedWhenTheServiceIsReadyNotAtStart(@Autowired ConnectionFactory pool)
            throws Exception {
        try (SilentServer silent = new SilentServer()) {
            RollupFlusher counting = startedFlusher(Duration.ofHours(1), silent, pool);
            try {
                Thread.sleep(1000);
                assertThat(silent.taken).as("counts before readiness").isEmpty();
                counting.ready();
                silent.awaitConnections(1, Duration.ofSeconds(10));
                assertThat(silent.taken).as("counts after readiness").hasSize(1);
            } finally {
                counting.stop();
            }
        }
    }

    /**
     * A flusher of its own, started (not yet ready), counting every {@code interval} and flushing hourly,
     * whose advisory locks connect to {@code silent}.
     */
    private RollupFlusher startedFlusher(Duration interval, SilentServer silent, ConnectionFactory pool) {
        RollupFlusher flusher = new RollupFlusher(rollups, active, countingEvery(interval), silent.connections(pool));
        flusher.start();
        return flusher;
    }

    /** Flushes hourly, counts every {@code interval}; the other settings as by default. */
    private static StatsSettings countingEvery(Duration interval) {
        return new StatsSettings(
                Duration.ofHours(1),
                interval,
                Duration.ofHours(1),
                Duration.ofHours(6),
                128,
                1500,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5));
    }

    /** A server on loopback that takes connections and never answers them. */
    private static final class SilentServer implements AutoCloseable {

        final List<Socket> taken = new CopyOnWriteArrayList<>();
        private final ServerSocket socket;

        SilentServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        taken.add(socket.accept()); // kept open, never answered
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        /** Server connections whose direct URL (the advisory locks') is this server. */
        ServerConnections connections(ConnectionFactory pool) {
            return new ServerConnections(
                    pool,
                    "postgresql://pool.invalid/pushgate",
                    "postgresql://127.0.0.1:" + socket.getLocalPort() + "/pushgate",
                    "postgres",
                    "");
        }

        void awaitConnections(int count, Duration atMost) throws InterruptedException {
            long deadline = System.nanoTime() + atMost.toNanos();
            while (taken.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket connection : taken) {
                connection.close();
            }
        }
    }
}
