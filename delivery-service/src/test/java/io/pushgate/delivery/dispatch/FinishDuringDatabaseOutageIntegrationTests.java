package io.pushgate.delivery.dispatch;

import static io.pushgate.delivery.dispatch.DeliveryFixtures.awaitFinished;
import static io.pushgate.delivery.dispatch.DeliveryFixtures.callback;
import static io.pushgate.delivery.dispatch.DeliveryFixtures.event;
import static io.pushgate.delivery.dispatch.DeliveryFixtures.notificationId;
import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceApplication;
import io.pushgate.delivery.TenancySchema;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.emulator.FcmEmulator;
import io.pushgate.emulator.FcmServiceAccount;
import io.pushgate.testkit.TcpProxy;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestKeyset;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The database goes away while pushes are at the provider: their answers come back during the outage,
 * and the endings cannot be written. The dispatcher writes them again until the database is back, so no
 * push goes out twice — within the lease, and also when the outage outlasts it: then no sweep claims a
 * row whose lease ran out until the database has answered for the outage hold, and the endings are
 * written in that time. Before, each such row waited for its lease to end and was sent again (the
 * db-restart drill found 122 of 1,781 pushed twice; then, with the rewrite bounded by the lease, 50 of
 * 32,094 with a 30 s outage as long as the lease). delivery-service reaches its database through a
 * proxy the test cuts; the test itself reads and writes the database directly.
 */
@ExtendWith(TenancySchema.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=" + DeliveryServiceApplication.CONFIG_NAME,
            "pushgate.dispatch.enabled=true",
            // a lease that ends soon after the outage: without the rewrite, the sweep re-sends within the test
            "pushgate.dispatch.lease=10s",
            "pushgate.inbox.lease=10s",
            "pushgate.dispatch.sweep-interval=200ms",
            "pushgate.dispatch.outage-hold=3s",
            // the outage and the database's return are seen within a fifth of a second
            "pushgate.database-check.interval=200ms",
            "pushgate.providers.send-timeout=20s"
        })
@DirtiesContext
class FinishDuringDatabaseOutageIntegrationTests {

    private static final int PUSHES = 10;
    private static final FcmEmulator fcm = FcmEmulator.start();
    private static final TcpProxy database =
            new TcpProxy(URI.create(TestDatabase.get().url()));

    @LocalServerPort
    int port;

    /** The notifications of the test running. */
    private final List<UUID> ids = new ArrayList<>();

    @DynamicPropertySource
    static void throughTheProxy(DynamicPropertyRegistry properties) throws Exception {
        database.open();
        TestDatabase test = TestDatabase.get();
        String proxied = test.url().replaceFirst("//[^/]+/", "//127.0.0.1:" + database.port() + "/");
        properties.add("pushgate.db.url", () -> proxied);
        properties.add("pushgate.db.user", test::user);
        properties.add("pushgate.db.password", test::password);
        properties.add("pushgate.keyset", TestKeyset::json);
        properties.add("pushgate.providers.fcm-url", () -> fcm.baseUri().toString());
    }

    @AfterAll
    static void stop() {
        database.close();
        fcm.close();
    }

    @Test
    void anEndingTheDatabaseCouldNotTakeIsWrittenWhenItIsBackAndNothingIsSentTwice() throws Exception {
        List<String> tokens = pushesAtTheProvider("session-outage-");

        database.close();
        // every answer arrives while the database is away (they are three seconds late)
        Thread.sleep(4_000);
        database.open();

        awaitEachDeliveredOnce(tokens);
    }

    @Test
    void endingsKeptThroughAnOutageLongerThanTheLeaseAreWrittenBeforeAnyRowIsClaimedAgain() throws Exception {
        List<String> tokens = pushesAtTheProvider("session-long-outage-");

        database.close();
        // the answers arrive three seconds into the outage, and every lease (10 s from the callback)
        // runs out during it: the endings can only be written once it is over
        Thread.sleep(14_000);
        database.open();

        awaitEachDeliveredOnce(tokens);
    }

    /**
     * Ten notifications whose pushes the provider has received and answers three seconds later; returns
     * when it has all of them (their answers still to come).
     */
    private List<String> pushesAtTheProvider(String sessionPrefix) throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        FcmServiceAccount account =
                fcm.mintServiceAccount("project-" + UUID.randomUUID().toString().substring(0, 8));
        UUID credential = DeliveryFixtures.fcmCredential(configuration.tenantId(), account);
        DeliveryFixtures.deliverySettings(configuration, credential, credential, null, null, 600);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < PUSHES; i++) {
            String token = DeliveryFixtures.fcmToken();
            // the provider has each message at once and answers three seconds later: during the outage
            fcm.injectLatency(token, Duration.ofSeconds(3));
            DeliveryFixtures.registration(configuration, token, sessionPrefix + i, "android", "fcm");
            tokens.add(token);
        }
        ids.clear();
        for (int i = 0; i < PUSHES; i++) {
            HttpResponse<String> answer = callback(port, configuration, event(sessionPrefix + i));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            ids.add(notificationId(answer));
        }
        DeliveryFixtures.await(
                Duration.ofSeconds(20),
                () -> tokens.stream().allMatch(token -> !fcm.messagesTo(token).isEmpty()));
        return tokens;
    }

    private void awaitEachDeliveredOnce(List<String> tokens) throws Exception {
        for (UUID id : ids) {
            assertThat(awaitFinished(id)).isEqualTo("delivered");
        }
        // past every lease the pushes were sent under, the outage hold, and a sweep more: a row left
        // unfinished would have gone out again by now
        Thread.sleep(12_000);
        tokens.forEach(token -> assertThat(fcm.messagesTo(token)).as(token).hasSize(1));
    }
}
