package io.pushgate.delivery.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.axp.AxpEvent;
import io.pushgate.api.problem.CallbackProblem;
import io.pushgate.delivery.DeliveryServiceApplication;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.embeddedpg.EmbeddedPostgres;
import io.pushgate.testkit.TestKeyset;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PostgreSQL stops while callbacks keep coming: every answer is a 202 or a 503 with {@code
 * Retry-After}, and once PostgreSQL is back every event that got a 202 is in the table. The
 * database is this test's own embedded PostgreSQL, never the machine's.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=" + DeliveryServiceApplication.CONFIG_NAME,
            "pushgate.inbox.timeout=1s",
            "pushgate.callback.lookup-timeout=1s"
        })
class CallbackDatabaseOutageIntegrationTests {

    private static final String DATABASE = "pushgate";
    private static final int SENDERS = 8;

    private static Path folder;
    private static final String PASSWORD = "outage-test";

    private static EmbeddedPostgres postgres;
    private static TestConfigurations.Inserted configuration;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) throws IOException, SQLException {
        folder = Files.createTempDirectory("pushgate-outage");
        postgres = EmbeddedPostgres.start(folder.resolve("data"), folder.resolve("postgres.log"), true, PASSWORD);
        postgres.createDatabaseIfMissing(DATABASE);
        String jdbcUrl = "jdbc:" + postgres.url(DATABASE);
        TestConfigurations.migrateTenancy(jdbcUrl, EmbeddedPostgres.SUPERUSER, PASSWORD);
        configuration = TestConfigurations.configuration().insert(jdbcUrl, EmbeddedPostgres.SUPERUSER, PASSWORD);
        String url = postgres.url(DATABASE);
        registry.add("pushgate.db.url", () -> url);
        registry.add("pushgate.db.user", () -> EmbeddedPostgres.SUPERUSER);
        registry.add("pushgate.db.password", () -> PASSWORD);
        registry.add("pushgate.keyset", TestKeyset::json);
    }

    @AfterAll
    static void removeDatabase() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
        try (var paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void answers503WhileTheDatabaseIsDownAndLosesNoAcceptedEvent() throws Exception {
        Callbacks callbacks = new Callbacks(port);
        ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
        List<HttpResponse<String>> refused = new ArrayList<>();
        AtomicInteger refusedCount = new AtomicInteger();
        AtomicBoolean stopped = new AtomicBoolean();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        List<Future<List<HttpResponse<String>>>> results = new ArrayList<>();
        try {
            for (int i = 0; i < SENDERS; i++) {
                results.add(senders.submit(() -> {
                    List<HttpResponse<String>> others = new ArrayList<>();
                    // each sender goes on until it has seen five answers sent after the stop
                    int afterStop = 0;
                    while (afterStop < 5) {
                        boolean sentAfterStop = stopped.get();
                        AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "s-outage");
                        HttpResponse<String> response = callbacks.post(
                                configuration.callbackKey(), event.signature(configuration.secret()), event.toJson());
                        if (response.statusCode() == 202) {
                            accepted.add(event.eventId());
                        } else {
                            others.add(response);
                            refusedCount.incrementAndGet();
                        }
                        if (sentAfterStop) {
                            afterStop++;
                        }
                    }
                    return others;
                }));
            }
            while (accepted.size() < 200) {
                Thread.sleep(10);
            }
            postgres.close();
            stopped.set(true);
            for (Future<List<HttpResponse<String>>> result : results) {
                refused.addAll(result.get());
            }
        } finally {
            senders.shutdownNow();
        }

        assertThat(refused).isNotEmpty().allSatisfy(response -> {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(response.body())
                    .contains(CallbackProblem.STORAGE_UNAVAILABLE.type().toString());
        });

        postgres = EmbeddedPostgres.start(folder.resolve("data"), folder.resolve("postgres.log"), true, PASSWORD);
        Set<String> stored = new HashSet<>();
        try (var connection = DriverManager.getConnection(
                        "jdbc:" + postgres.url(DATABASE), EmbeddedPostgres.SUPERUSER, PASSWORD);
                var rows = connection.createStatement().executeQuery("SELECT event_id FROM delivery.notification")) {
            while (rows.next()) {
                stored.add(rows.getString(1));
            }
        }
        assertThat(stored).containsAll(accepted);
    }
}
