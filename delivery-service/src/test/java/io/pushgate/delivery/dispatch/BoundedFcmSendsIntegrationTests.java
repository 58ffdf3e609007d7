package io.pushgate.delivery.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.emulator.FcmEmulator;
import io.pushgate.emulator.FcmMessage;
import io.pushgate.emulator.FcmServiceAccount;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * FCM sends on a bounded set of threads, end to end (the real firebase-admin client per credential,
 * the FCM emulator answering late, PostgreSQL, the sweep): many credentials' backlogs at once — far
 * more sends than {@code fcm-send-threads} plus {@code fcm-send-queue} — never have more threads
 * inside firebase-admin's FCM client than the bound (read from every thread's stack while they run),
 * firebase-admin makes no thread of its own, the sends the full queue turned away ({@code
 * send_queue_full}) are retried, and every push arrives exactly once.
 */
@DeliveryServiceTest(
        properties = {
            "pushgate.dispatch.enabled=true",
            "pushgate.dispatch.sweep-interval=200ms",
            "pushgate.dispatch.initial-backoff=100ms",
            "pushgate.dispatch.max-backoff=1s",
            "pushgate.providers.fcm-send-threads=" + BoundedFcmSendsIntegrationTests.THREADS,
            "pushgate.providers.fcm-send-queue=" + BoundedFcmSendsIntegrationTests.QUEUE
        })
@DirtiesContext
class BoundedFcmSendsIntegrationTests {

    static final int THREADS = 4;
    static final int QUEUE = 8;

    private static final int CREDENTIALS = 12;
    private static final int EACH = 20;

    /** How late the emulator answers each send: the threads stay busy, the queue fills. */
    private static final Duration LATENCY = Duration.ofMillis(100);

    /** firebase-admin's FCM client, where a thread sends and waits for FCM's answer. */
    private static final String CLIENT = "com.google.firebase.messaging.FirebaseMessagingClientImpl";

    private static final FcmEmulator fcm = FcmEmulator.start();

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry properties) {
        properties.add("pushgate.providers.fcm-url", () -> fcm.baseUri().toString());
    }

    @AfterAll
    static void stopEmulator() {
        fcm.close();
    }

    @Test
    void manyCredentialsOnASlowFcmSendOnNoMoreThreadsThanTheBoundAndEachPushArrivesOnce() throws Exception {
        List<Tenant> tenants = new ArrayList<>();
        for (int i = 0; i < CREDENTIALS; i++) {
            tenants.add(tenant());
        }
        ThreadSampler sampler = new ThreadSampler();
        sampler.start();
        List<UUID> ids = new ArrayList<>();
        try {
            for (Tenant tenant : tenants) {
                ids.addAll(stored(tenant, EACH));
            }
            for (UUID id : ids) {
                assertThat(DeliveryFixtures.awaitFinished(id)).isEqualTo("delivered");
            }
        } finally {
            sampler.stop();
        }

        System.out.printf(
                "Bounded FCM sends: at most %d threads in %s at once (bound %d), %d samples%n",
                sampler.mostSending.get(), CLIENT, THREADS, sampler.samples.get());
        assertThat(sampler.mostSending.get())
                .as("threads inside firebase-admin's FCM client at once")
                .isBetween(1, THREADS);
        assertThat(sampler.firebaseThreads)
                .as("threads firebase-admin made itself")
                .isEmpty();
        for (Tenant tenant : tenants) {
            List<FcmMessage> arrived = fcm.messagesTo(tenant.deviceToken);
            Set<String> events = arrived.stream()
                    .map(message -> message.data().path("eventId").asString())
                    .collect(Collectors.toSet());
            assertThat(arrived).as("each push once").hasSize(EACH);
            assertThat(events).hasSize(EACH);
        }
        assertThat(queueFullAttempts(ids))
                .as("sends turned away by the full queue, retried and delivered")
                .isPositive();
    }

    /** Samples every thread's stack until stopped: the most threads seen in firebase-admin's FCM client. */
    private static final class ThreadSampler implements Runnable {
        final AtomicInteger mostSending = new AtomicInteger();
        final AtomicInteger samples = new AtomicInteger();
        final Set<String> firebaseThreads = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this, "fcm-send-sampler");

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        @Override
        public void run() {
            while (running.get()) {
                int sending = 0;
                for (Map.Entry<Thread, StackTraceElement[]> entry :
                        Thread.getAllStackTraces().entrySet()) {
                    if (entry.getKey().getName().startsWith("firebase-")) {
                        firebaseThreads.add(entry.getKey().getName());
                    }
                    for (StackTraceElement frame : entry.getValue()) {
                        if (frame.getClassName().equals(CLIENT)) {
                            sending++;
                            break;
                        }
                    }
                }
                mostSending.accumulateAndGet(sending, Math::max);
                samples.incrementAndGet();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static long queueFullAttempts(List<UUID> ids) throws Exception {
        try (Connection connection = DeliveryFixtures.connect();
                var select = connection.prepareStatement("""
                        SELECT count(*) FROM delivery.attempt
                         WHERE notification_id = ANY (?) AND error_code = 'send_queue_full'""")) {
            select.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            try (var rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static List<UUID> stored(Tenant tenant, int count) throws Exception {
        return DeliveryFixtures.storedDue(tenant.configuration(), tenant.sessionId(), count);
    }

    private record Tenant(TestConfigurations.Inserted configuration, String deviceToken, String sessionId) {}

    /** A tenant with an FCM credential of its own and one Android device the emulator answers late. */
    private static Tenant tenant() throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        FcmServiceAccount account =
                fcm.mintServiceAccount("project-" + UUID.randomUUID().toString().substring(0, 8));
        UUID credential = DeliveryFixtures.fcmCredential(configuration.tenantId(), account);
        DeliveryFixtures.deliverySettings(configuration, credential, credential, "Agent replied", "Tap", 600);
        String deviceToken = DeliveryFixtures.fcmToken();
        fcm.injectLatency(deviceToken, LATENCY);
        String sessionId = "session-" + UUID.randomUUID();
        DeliveryFixtures.registration(configuration, deviceToken, sessionId, "android", "fcm");
        return new Tenant(configuration, deviceToken, sessionId);
    }
}
