package io.pushgate.delivery.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.delivery.DeliveryServiceApplication;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.emulator.FcmEmulator;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestPlatformInitializer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Leases under stress, with whole delivery-service instances on one database: instances competing
 * for the same overdue rows, and an instance stopped mid-flight whose work a new one finishes. Every
 * notification ends delivered, and arrives exactly once.
 */
class DispatchRecoveryIntegrationTests {

    private static final String SANDBOX_TOKEN = "sandbox-" + UUID.randomUUID();
    private static FcmEmulator fcm;

    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();
    private TestConfigurations.Inserted configuration;

    @BeforeAll
    static void start() {
        TestConfigurations.migrateTenancy();
        TestDatabase database = TestDatabase.get();
        // the rows of the first test are written before any instance has migrated its schema
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.user(), database.password())
                .schemas("delivery")
                .locations("classpath:db/migration/delivery")
                .load()
                .migrate();
        fcm = FcmEmulator.start();
        fcm.acceptAccessToken(SANDBOX_TOKEN);
    }

    @AfterAll
    static void stop() {
        fcm.close();
    }

    @BeforeEach
    void sandboxTenant() throws Exception {
        configuration = DeliveryFixtures.configuration();
        UUID sandbox = DeliveryFixtures.sandboxCredential(configuration.tenantId());
        DeliveryFixtures.deliverySettings(configuration, sandbox, sandbox, null, null, 600);
    }

    @AfterEach
    void stopInstances() {
        instances.forEach(ConfigurableApplicationContext::close);
    }

    private ConfigurableApplicationContext instance(String... properties) {
        SpringApplication application = DeliveryServiceApplication.application();
        application.addInitializers(new TestPlatformInitializer());
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--pushgate.dispatch.enabled=true",
                "--pushgate.sandbox.fcm-url=" + fcm.baseUri(),
                "--pushgate.sandbox.access-token=" + SANDBOX_TOKEN,
                "--pushgate.dispatch.sweep-interval=100ms",
                "--pushgate.dispatch.initial-backoff=100ms"));
        arguments.addAll(List.of(properties));
        ConfigurableApplicationContext context = application.run(arguments.toArray(String[]::new));
        instances.add(context);
        return context;
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @Test
    void twoInstancesSweepingTheSameOverdueRowsNeverSendOneTwice() throws Exception {
        int count = 300;
        // both sweep before the rows exist: each takes its turns at the same rows as they become due.
        // Small batches and two slow-ish lanes each, so neither can claim everything before the other.
        ConfigurableApplicationContext one =
                instance("--pushgate.dispatch.sweep-batch-size=10", "--pushgate.dispatch.concurrency-per-credential=2");
        ConfigurableApplicationContext two =
                instance("--pushgate.dispatch.sweep-batch-size=10", "--pushgate.dispatch.concurrency-per-credential=2");
        List<String> tokens = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        // rows a crashed instance left behind: accepted, leased by it, the lease run out
        try (Connection connection = DeliveryFixtures.connect()) {
            connection.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                String token = DeliveryFixtures.fcmToken();
                fcm.injectLatency(token, Duration.ofMillis(20));
                String session = "session-orphan-" + i;
                DeliveryFixtures.registration(configuration, token, session, "android", "fcm");
                UUID id = UUID.randomUUID();
                try (var insert = connection.prepareStatement("""
                        INSERT INTO delivery.notification
                            (id, tenant_id, configuration_id, event_id, session_id, payload, lease_owner, lease_until)
                        VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, now() - interval '1 second')""")) {
                    insert.setObject(1, id);
                    insert.setObject(2, configuration.tenantId());
                    insert.setObject(3, configuration.id());
                    insert.setString(4, "event-" + id);
                    insert.setString(5, session);
                    insert.setString(6, DeliveryFixtures.event(session).toJson());
                    insert.setObject(7, UUID.randomUUID());
                    insert.executeUpdate();
                }
                tokens.add(token);
                ids.add(id);
            }
            connection.commit();
        }

        for (UUID id : ids) {
            assertThat(DeliveryFixtures.awaitFinished(id)).isEqualTo("delivered");
        }
        tokens.forEach(token -> assertThat(fcm.messagesTo(token)).as(token).hasSize(1));
        assertThat(attemptsPerNotification(ids))
                .allSatisfy((id, attempts) -> assertThat(attempts).isEqualTo(1));
        // the point of the test: both instances did take rows
        double byOne = delivered(one, configuration.tenantId());
        double byTwo = delivered(two, configuration.tenantId());
        assertThat(byOne).as("delivered by the first instance").isPositive();
        assertThat(byTwo).as("delivered by the second instance").isPositive();
        assertThat(byOne + byTwo).isEqualTo(count);
    }

    /** How many of {@code tenantId}'s notifications {@code instance} delivered, by its own meter. */
    private static double delivered(ConfigurableApplicationContext instance, UUID tenantId) {
        Counter counter = instance.getBean(MeterRegistry.class)
                .find("pushgate.deliveries")
                .tag("tenant", tenantId.toString())
                .tag("outcome", "delivered")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void anInstanceStoppedMidFlightLeavesTheRestToANewOneAndNothingArrivesTwice() throws Exception {
        int count = 60;
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String token = DeliveryFixtures.fcmToken();
            // slow answers and few lanes: most notifications are still waiting when the instance stops
            fcm.injectLatency(token, Duration.ofMillis(200));
            DeliveryFixtures.registration(configuration, token, "session-midflight-" + i, "android", "fcm");
            tokens.add(token);
        }
        ConfigurableApplicationContext first =
                instance("--pushgate.dispatch.concurrency-per-credential=2", "--pushgate.inbox.lease=1s");
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpResponse<String> answer = DeliveryFixtures.callback(
                    port(first), configuration, DeliveryFixtures.event("session-midflight-" + i));
            assertThat(answer.statusCode()).isEqualTo(202);
            ids.add(DeliveryFixtures.notificationId(answer));
        }

        first.close();
        instances.remove(first);
        long finishedByFirst = ids.stream().filter(id -> !unfinished(id)).count();
        instance();

        for (UUID id : ids) {
            assertThat(DeliveryFixtures.awaitFinished(id)).isEqualTo("delivered");
        }
        tokens.forEach(token -> assertThat(fcm.messagesTo(token)).as(token).hasSize(1));
        assertThat(attemptsPerNotification(ids))
                .allSatisfy((id, attempts) -> assertThat(attempts).isEqualTo(1));
        // the point of the test: the first instance did stop mid-flight
        assertThat(finishedByFirst).isBetween(1L, (long) count - 1);
    }

    /**
     * Rows the inbox leased for a short {@code pushgate.inbox.lease} wait in a one-send lane past
     * that lease: before each send the lease is renewed, so the sweeper cannot take a row over
     * while it is being sent, and every device gets its push once.
     */
    @Test
    void newRowsWaitingInTheirLanePastAShortInboxLeaseAreEachSentOnce() throws Exception {
        int count = 12;
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String token = DeliveryFixtures.fcmToken();
            fcm.injectLatency(token, Duration.ofMillis(300));
            DeliveryFixtures.registration(configuration, token, "session-lane-" + i, "android", "fcm");
            tokens.add(token);
        }
        ConfigurableApplicationContext only =
                instance("--pushgate.dispatch.concurrency-per-credential=1", "--pushgate.inbox.lease=1s");
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpResponse<String> answer =
                    DeliveryFixtures.callback(port(only), configuration, DeliveryFixtures.event("session-lane-" + i));
            assertThat(answer.statusCode()).isEqualTo(202);
            ids.add(DeliveryFixtures.notificationId(answer));
        }

        for (UUID id : ids) {
            assertThat(DeliveryFixtures.awaitFinished(id)).isEqualTo("delivered");
        }
        Thread.sleep(2000); // a second send, were there one, would have time to arrive
        tokens.forEach(token -> assertThat(fcm.messagesTo(token)).as(token).hasSize(1));
        assertThat(attemptsPerNotification(ids).values()).containsOnly(1);
    }

    private static boolean unfinished(UUID id) {
        try {
            String status = DeliveryFixtures.status(id);
            return status.equals("accepted") || status.equals("retrying");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<UUID, Integer> attemptsPerNotification(List<UUID> ids) throws Exception {
        Map<UUID, Integer> attempts = new TreeMap<>();
        try (Connection connection = DeliveryFixtures.connect();
                var select = connection.prepareStatement("""
                        SELECT n.id, count(a.id) FROM delivery.notification n
                          LEFT JOIN delivery.attempt a ON a.notification_id = n.id
                         WHERE n.id = ANY(?) GROUP BY n.id""")) {
            select.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    attempts.put(rows.getObject(1, UUID.class), rows.getInt(2));
                }
            }
        }
        assertThat(attempts).hasSize(ids.size());
        return attempts;
    }
}
