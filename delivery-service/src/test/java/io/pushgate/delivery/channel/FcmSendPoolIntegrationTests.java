package io.pushgate.delivery.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.registration.DevicePlatform;
import io.pushgate.delivery.registration.PushProvider;
import io.pushgate.emulator.FcmEmulator;
import io.pushgate.emulator.FcmServiceAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FcmSendPool} under the real firebase-admin client, against the FCM emulator over a real
 * socket, with one thread: a send its caller gave up while it waited for the thread never reaches FCM
 * (the emulator counts every request that names its device token), and a full queue answers a
 * transient {@code send_queue_full} at once without sending. The thread is held by a send the
 * emulator answers late, and the test waits until the emulator has that send, so the others queue.
 */
class FcmSendPoolIntegrationTests {

    private static final FcmEmulator fcm = FcmEmulator.start();

    /** How late the emulator answers the send that holds the one thread. */
    private static final Duration HOLD = Duration.ofSeconds(3);

    private FcmSendPool pool;

    @AfterEach
    void stopPool() {
        pool.close();
    }

    @AfterAll
    static void stopEmulator() {
        fcm.close();
    }

    @Test
    void aSendGivenUpWhileItWaitedForAThreadNeverReachesFcm() throws Exception {
        pool = new FcmSendPool(1, 2);
        FcmChannel patient = channel(Duration.ofSeconds(30));
        FcmChannel hasty = channel(Duration.ofMillis(300));
        String held = held();
        CompletableFuture<DeliveryOutcome> holding = patient.send(push(held)).toFuture();
        await(() -> fcm.sendAttempts(held) == 1);

        String givenUp = fcmToken();
        DeliveryOutcome waited = hasty.send(push(givenUp)).block(Duration.ofSeconds(20));
        // queued after the given-up send (first in, first out): once it is answered, the given-up one
        // would have been sent before it
        String next = fcmToken();
        DeliveryOutcome after = patient.send(push(next)).block(Duration.ofSeconds(30));

        assertThat(waited).isEqualTo(FcmSendPool.QUEUE_TIMEOUT);
        assertThat(holding.get(30, TimeUnit.SECONDS)).isInstanceOf(DeliveryOutcome.Accepted.class);
        assertThat(after).isInstanceOf(DeliveryOutcome.Accepted.class);
        assertThat(fcm.messagesTo(next)).hasSize(1);
        assertThat(fcm.sendAttempts(givenUp))
                .as("requests naming the given-up send's token")
                .isZero();
        patient.close();
        hasty.close();
    }

    @Test
    void aFullQueueAnswersSendQueueFullAtOnceAndSendsNothing() throws Exception {
        pool = new FcmSendPool(1, 1);
        FcmChannel channel = channel(Duration.ofSeconds(30));
        String held = held();
        CompletableFuture<DeliveryOutcome> holding = channel.send(push(held)).toFuture();
        await(() -> fcm.sendAttempts(held) == 1);
        String queued = fcmToken();
        CompletableFuture<DeliveryOutcome> waiting = channel.send(push(queued)).toFuture();

        String refused = fcmToken();
        DeliveryOutcome full = channel.send(push(refused)).block(Duration.ofSeconds(20));

        assertThat(full).isEqualTo(FcmSendPool.QUEUE_FULL);
        assertThat(holding.get(30, TimeUnit.SECONDS)).isInstanceOf(DeliveryOutcome.Accepted.class);
        assertThat(waiting.get(30, TimeUnit.SECONDS)).isInstanceOf(DeliveryOutcome.Accepted.class);
        assertThat(fcm.messagesTo(queued)).hasSize(1);
        assertThat(fcm.sendAttempts(refused)).isZero();
        channel.close();
    }

    /** A device token the emulator answers {@link #HOLD} late. */
    private static String held() {
        String token = fcmToken();
        fcm.injectLatency(token, HOLD);
        return token;
    }

    private FcmChannel channel(Duration sendTimeout) throws Exception {
        FcmServiceAccount account =
                fcm.mintServiceAccount("project-" + UUID.randomUUID().toString().substring(0, 8));
        return FcmChannel.create(
                new Credential(
                        UUID.randomUUID(),
                        UUID.randomUUID(),
                        PushProvider.FCM,
                        Map.of("projectId", account.projectId()),
                        account.json()),
                pool,
                new ProviderSettings(
                        fcm.baseUri(), null, null, sendTimeout, Duration.ofSeconds(30), Duration.ofHours(1), 1, 1, 1));
    }

    private static String fcmToken() {
        return "fcm-token-" + UUID.randomUUID();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within 30 s");
            }
            Thread.sleep(10);
        }
    }

    private static Push push(String token) {
        return new Push(
                UUID.randomUUID(),
                token,
                DevicePlatform.ANDROID,
                Map.of("eventId", "e-1", "sessionId", "s-1"),
                "title",
                "body",
                "conversation-1",
                Instant.now().plusSeconds(600),
                null);
    }
}
