package io.pushgate.delivery.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.axp.AxpEvent;
import io.pushgate.api.problem.CallbackProblem;
import io.pushgate.delivery.DeliveryServiceApplication;
import io.pushgate.delivery.TenancySchema;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.delivery.dispatch.DeliveryFixtures;
import io.pushgate.emulator.FcmEmulator;
import io.pushgate.testkit.TcpProxy;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestKeyset;
import io.pushgate.testkit.TestPlatformInitializer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;

/**
 * The warm-up as a launcher meets it: delivery-service started as {@code ./pushgate up} starts it
 * (its runners before {@code run} returns), on this run's test database. The test holds the warm-up
 * where it has begun ({@link WarmupStarted}) to look at the service during it: readiness is not UP,
 * a tenant's callback is stored and delivered as ever; then lets it end and checks that readiness is
 * UP, that nothing of it remains in any table or meter, that its sends went to its loopback stand-in
 * and nothing to the configured providers, and that its callback key is unknown afterwards.
 */
@ExtendWith(TenancySchema.class)
class WarmupIntegrationTests {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final String SANDBOX_TOKEN = "sandbox-" + UUID.randomUUID();
    private static final FcmEmulator sandbox = FcmEmulator.start();
    /** The configured FCM and APNs addresses: nothing of the warm-up may connect there. */
    private static final Tripwire providers = Tripwire.start();

    private static final int CALLBACKS = 400;
    private static final int DELIVERIES = 200;

    /** Busy processes a core in the test of giving way: enough to outnumber the warm-up's runnable threads. */
    private static final int BUSY_LOOPS_A_CORE = 4;

    @AfterAll
    static void stop() {
        sandbox.close();
        providers.close();
    }

    @Test
    void readinessWaitsForTheWarmupWhichLeavesNothingOfItselfAndLetsATenantsCallbackThrough() throws Exception {
        sandbox.acceptAccessToken(SANDBOX_TOKEN);
        Hold hold = new Hold();
        try (Started service = Started.start(hold, settings())) {
            assertThat(hold.started.await(3, TimeUnit.MINUTES))
                    .as("the warm-up began")
                    .isTrue();
            // a tenant with a device, once the service has migrated its schema
            TestConfigurations.Inserted tenant = DeliveryFixtures.configuration();
            UUID credential = DeliveryFixtures.sandboxCredential(tenant.tenantId());
            DeliveryFixtures.deliverySettings(tenant, credential, credential, null, null, 600);
            String token = DeliveryFixtures.fcmToken();
            DeliveryFixtures.registration(tenant, token, "session-warmup-test", "android", "fcm");
            long notificationsBefore = count("delivery.notification");
            long dedupBefore = count("delivery.notification_dedup");
            Warmup warmup = hold.context.get().getBean(Warmup.class);
            Synthetic synthetic = warmup.current();
            assertThat(synthetic).isNotNull();
            int port = hold.port();

            // during the warm-up: not ready, yet a tenant's callback is stored and delivered as ever
            HttpResponse<String> readiness = get(port, "/actuator/health/readiness");
            assertThat(readiness.statusCode()).isEqualTo(503);
            assertThat(readiness.body()).doesNotContain("\"UP\"");
            HttpResponse<String> during =
                    DeliveryFixtures.callback(port, tenant, DeliveryFixtures.event("session-warmup-test"));
            assertThat(during.statusCode()).isEqualTo(202);
            assertThat(DeliveryFixtures.awaitFinished(DeliveryFixtures.notificationId(during)))
                    .isEqualTo("delivered");
            assertThat(sandbox.messagesTo(token)).hasSize(1);
            assertThat(service.context.isDone()).as("still warming up").isFalse();

            hold.release.countDown();
            service.context.get(3, TimeUnit.MINUTES);

            // after it: ready, and everything it did was its own
            assertThat(get(port, "/actuator/health/readiness").body()).contains("\"UP\"");
            Warmup.WarmupRun run = warmup.last();
            assertThat(run.failure()).isNull();
            assertThat(run.callbacks()).isEqualTo(CALLBACKS);
            assertThat(run.rehearsed()).isEqualTo(DELIVERIES);
            assertThat(run.sends()).isEqualTo(DELIVERIES);
            assertThat(run.standInSends()).isEqualTo(DELIVERIES);
            assertThat(providers.connections())
                    .as("connections to the configured FCM and APNs")
                    .isZero();
            assertThat(sandbox.messages())
                    .as("the sandbox emulator saw the tenant's push only")
                    .hasSize(1);
            assertThat(warmup.current()).isNull();

            // its configuration is unknown now, to a callback signed with its own secret too
            HttpResponse<String> outside = DeliveryFixtures.callback(
                    port,
                    new TestConfigurations.Inserted(
                            synthetic.configurationId(),
                            synthetic.tenantId(),
                            synthetic.callbackKey(),
                            synthetic.secret()),
                    AxpEvent.of("outside-" + UUID.randomUUID(), "session-1"));
            assertThat(outside.statusCode()).isEqualTo(404);
            assertThat(outside.body())
                    .contains(CallbackProblem.UNKNOWN_CALLBACK_KEY.type().toString());

            // a second callback of the tenant: once its counts are written, so would be any the warm-up left
            HttpResponse<String> after =
                    DeliveryFixtures.callback(port, tenant, DeliveryFixtures.event("session-warmup-test"));
            assertThat(after.statusCode()).isEqualTo(202);
            DeliveryFixtures.await(Duration.ofSeconds(30), () -> callbacksCounted(tenant.tenantId()) == 2);
            DeliveryFixtures.await(Duration.ofSeconds(30), () -> secretUsesCounted(tenant.id()) == 2);
            assertThat(count("delivery.notification") - notificationsBefore).isEqualTo(2);
            assertThat(count("delivery.notification_dedup") - dedupBefore).isEqualTo(2);
            assertThat(rowsOf(synthetic))
                    .as("rows of the warm-up's tenant or configuration")
                    .isEmpty();
            String metrics = get(port, "/actuator/prometheus").body();
            assertThat(metrics)
                    .doesNotContain(synthetic.tenantId().toString())
                    .doesNotContain(synthetic.configurationId().toString());
        }
    }

    @Test
    void aWarmupThatFailsForWantOfItsDatabaseStillEndsInReadiness() throws Exception {
        TcpProxy database = new TcpProxy(URI.create(TestDatabase.get().url()));
        database.open();
        TestDatabase test = TestDatabase.get();
        String proxied = test.url().replaceFirst("//[^/]+/", "//127.0.0.1:" + database.port() + "/");
        List<String> settings = settings();
        // the migrations and LISTEN reach the database itself; everything else goes through the
        // proxy, which is gone by the time the warm-up begins
        settings.add("--pushgate.db.url=" + proxied);
        settings.add("--pushgate.db.direct-url=" + test.url());
        settings.add("--pushgate.db.user=" + test.user());
        settings.add("--pushgate.db.password=" + test.password());
        settings.add("--pushgate.keyset=" + TestKeyset.json());
        settings.add("--spring.r2dbc.pool.max-acquire-time=2s");
        Hold hold = new Hold();
        hold.release.countDown();
        try (Started service = Started.start(hold, settings, false, database::close)) {
            service.context.get(3, TimeUnit.MINUTES);
            Warmup warmup = hold.context.get().getBean(Warmup.class);
            assertThat(warmup.last().failure()).isNotNull();
            assertThat(get(hold.port(), "/actuator/health/readiness").body()).contains("\"UP\"");
        } finally {
            database.close();
        }
    }

    @Test
    void aWarmupGivesWayOnAMachineThatOtherProcessesKeepBusy() throws Exception {
        List<String> settings = settings();
        // far more work than a machine does in the time-out: only giving way ends it before
        settings.removeIf(setting -> setting.startsWith("--pushgate.warmup."));
        settings.addAll(List.of(
                "--pushgate.warmup.enabled=true",
                "--pushgate.warmup.callbacks=1000000",
                "--pushgate.warmup.deliveries=500000",
                // few of its own threads at once: the scheduler shares a core among runnable threads, so
                // at 8 (and its sends' threads) the warm-up's process took ~3/4 of two cores from one
                // loop a core, and the others' share hovered at the limit (given way after 85 s here,
                // never within 2 min once in CI)
                "--pushgate.warmup.concurrency=2",
                "--pushgate.warmup.timeout=2m",
                // below the default (50 %): the warm-up's own threads still take their share
                "--pushgate.warmup.yield-above=0.3"));
        List<Process> busy = new ArrayList<>();
        Hold hold = new Hold();
        hold.release.countDown();
        // four endless shell loops a core, from just before the runners until the warm-up has ended
        try (Started service = Started.start(hold, settings, true, () -> {
            for (int loop = 0; loop < BUSY_LOOPS_A_CORE * Runtime.getRuntime().availableProcessors(); loop++) {
                try {
                    busy.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        })) {
            service.context.get(3, TimeUnit.MINUTES);
            busy.forEach(Process::destroyForcibly);
            Warmup.WarmupRun run = hold.context.get().getBean(Warmup.class).last();
            assertThat(run.failure()).as("failed (a time-out is a failure)").isNull();
            assertThat(run.gaveWay()).contains("other processes used").contains("pushgate.warmup.yield-above (30 %)");
            assertThat(run.callbacks()).isLessThan(1_000_000);
            assertThat(get(hold.port(), "/actuator/health/readiness").body()).contains("\"UP\"");
        } finally {
            busy.forEach(Process::destroyForcibly);
        }
    }

    private static List<String> settings() {
        List<String> settings = new ArrayList<>(List.of(
                "--server.port=0",
                "--pushgate.warmup.enabled=true",
                "--pushgate.warmup.callbacks=" + CALLBACKS,
                "--pushgate.warmup.deliveries=" + DELIVERIES,
                "--pushgate.warmup.concurrency=8",
                // the first test holds it as long as it looks at it
                "--pushgate.warmup.timeout=5m",
                // never giving way to whatever else runs on the machine meanwhile (a build, say)
                "--pushgate.warmup.yield-above=1",
                "--pushgate.dispatch.enabled=true",
                "--pushgate.sandbox.fcm-url=" + sandbox.baseUri(),
                "--pushgate.sandbox.access-token=" + SANDBOX_TOKEN,
                "--pushgate.providers.fcm-url=http://127.0.0.1:" + providers.port(),
                "--pushgate.providers.apns-server=https://127.0.0.1:" + providers.port(),
                "--pushgate.stats.flush-interval=200ms",
                "--pushgate.callback-log.flush-interval=200ms"));
        return settings;
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long count(String table) throws SQLException {
        try (Connection connection = DeliveryFixtures.connect();
                var rows = connection.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static long callbacksCounted(UUID tenantId) {
        return sum(
                "SELECT coalesce(sum(callbacks_accepted), 0) FROM delivery.stats_minute WHERE tenant_id = ?", tenantId);
    }

    private static long secretUsesCounted(UUID configurationId) {
        return sum(
                "SELECT coalesce(sum(current_count), 0) FROM delivery.secret_usage WHERE configuration_id = ?",
                configurationId);
    }

    private static long sum(String query, UUID id) {
        try (Connection connection = DeliveryFixtures.connect();
                var select = connection.prepareStatement(query)) {
            select.setObject(1, id);
            try (var rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every table of the delivery schema with a row of the synthetic tenant or configuration, and how many. */
    private static List<String> rowsOf(Synthetic synthetic) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection connection = DeliveryFixtures.connect()) {
            List<String[]> columns = new ArrayList<>();
            try (var select = connection.prepareStatement("""
                            SELECT c.table_name, c.column_name FROM information_schema.columns c
                              JOIN information_schema.tables t USING (table_schema, table_name)
                             WHERE c.table_schema = 'delivery' AND t.table_type = 'BASE TABLE'
                               AND c.column_name IN ('tenant_id', 'configuration_id')""");
                    var rows = select.executeQuery()) {
                while (rows.next()) {
                    columns.add(new String[] {rows.getString(1), rows.getString(2)});
                }
            }
            assertThat(columns).as("the delivery tables with a tenant").isNotEmpty();
            for (String[] column : columns) {
                UUID id = column[1].equals("tenant_id") ? synthetic.tenantId() : synthetic.configurationId();
                try (var select = connection.prepareStatement(
                        "SELECT count(*) FROM delivery." + column[0] + " WHERE " + column[1] + " = ?")) {
                    select.setObject(1, id);
                    try (var rows = select.executeQuery()) {
                        rows.next();
                        if (rows.getLong(1) > 0) {
                            found.add(column[0] + "." + column[1] + ": " + rows.getLong(1));
                        }
                    }
                }
            }
        }
        return found;
    }

    /** Where the test holds the warm-up once it has begun, and what it learns there. */
    private static final class Hold implements ApplicationListener<ApplicationEvent> {

        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CompletableFuture<ConfigurableApplicationContext> context = new CompletableFuture<>();
        Runnable onStarted = () -> {};

        @Override
        public void onApplicationEvent(ApplicationEvent event) {
            if (event instanceof ApplicationStartedEvent startedEvent) {
                // before the runners: the context and its web server are there
                context.complete(startedEvent.getApplicationContext());
                onStarted.run();
            }
            if (event instanceof PayloadApplicationEvent<?> payload && payload.getPayload() instanceof WarmupStarted) {
                started.countDown();
                try {
                    release.await(3, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        int port() throws Exception {
            return Integer.parseInt(
                    context.get(3, TimeUnit.MINUTES).getEnvironment().getProperty("local.server.port"));
        }
    }

    /** delivery-service started in a thread of its own, as a launcher starts it; closed with the test. */
    private static final class Started implements AutoCloseable {

        final CompletableFuture<ConfigurableApplicationContext> context = new CompletableFuture<>();
        private final Hold hold;

        private Started(Hold hold) {
            this.hold = hold;
        }

        static Started start(Hold hold, List<String> settings) {
            return start(hold, settings, true, () -> {});
        }

        /**
         * With {@code testPlatform}, on this run's database and keyset ({@link TestPlatformInitializer},
         * which wins over {@code settings}); else on what {@code settings} say.
         */
        static Started start(Hold hold, List<String> settings, boolean testPlatform, Runnable beforeTheRunners) {
            hold.onStarted = beforeTheRunners;
            Started started = new Started(hold);
            Thread thread = new Thread(
                    () -> {
                        try {
                            SpringApplication application = DeliveryServiceApplication.application();
                            if (testPlatform) {
                                application.addInitializers(new TestPlatformInitializer());
                            }
                            application.addListeners(hold);
                            started.context.complete(application.run(settings.toArray(String[]::new)));
                        } catch (Throwable e) {
                            started.context.completeExceptionally(e);
                            hold.context.completeExceptionally(e);
                            hold.started.countDown();
                        }
                    },
                    "warmup-test-service");
            thread.setDaemon(true);
            thread.start();
            return started;
        }

        @Override
        public void close() {
            hold.release.countDown(); // a test that failed during the warm-up lets it end
            try {
                context.get(3, TimeUnit.MINUTES).close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // not started: nothing to close
            }
        }
    }

    /** A loopback port that counts every connection made to it, and answers none. */
    private static final class Tripwire implements AutoCloseable {

        private final ServerSocket socket;
        private final AtomicInteger connections = new AtomicInteger();

        private Tripwire(ServerSocket socket) {
            this.socket = socket;
        }

        static Tripwire start() {
            try {
                Tripwire tripwire = new Tripwire(new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()));
                Thread thread = new Thread(tripwire::accept, "warmup-test-tripwire");
                thread.setDaemon(true);
                thread.start();
                return tripwire;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket accepted = socket.accept();
                    connections.incrementAndGet();
                    accepted.close();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }
}
