package io.pushgate.delivery.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * {@link FcmSendPool}'s threads: as many as the sends that ran at once, never more than the bound.
 * (What its sends do against FCM: {@code FcmSendPoolIntegrationTests}.)
 */
class FcmSendPoolTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void sendsOneAfterAnotherRunOnOneThread() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (FcmSendPool pool = new FcmSendPool(8, 16)) {
            for (int i = 0; i < 20; i++) {
                DeliveryOutcome outcome = pool.send(
                                () -> {
                                    threads.add(Thread.currentThread().getName());
                                    return new DeliveryOutcome.Accepted("m");
                                },
                                TIMEOUT)
                        .block(TIMEOUT);
                assertThat(outcome).isEqualTo(new DeliveryOutcome.Accepted("m"));
            }
        }
        assertThat(threads).hasSize(1);
        assertThat(threads.iterator().next()).startsWith(FcmSendPool.THREAD_NAME);
    }

    @Test
    void moreSendsThanTheBoundWaitForItsThreads() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (FcmSendPool pool = new FcmSendPool(3, 16)) {
            List<CompletableFuture<DeliveryOutcome>> sends = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Mono<DeliveryOutcome> send = pool.send(
                        () -> {
                            threads.add(Thread.currentThread().getName());
                            try {
                                answer.await(30, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return new DeliveryOutcome.Accepted("m");
                        },
                        TIMEOUT);
                sends.add(send.toFuture());
            }
            // each send was handed over when subscribed: three started a thread, the others wait
            assertThat(pool.queued()).isEqualTo(7);
            answer.countDown();
            for (var send : sends) {
                assertThat(send.get(30, TimeUnit.SECONDS)).isEqualTo(new DeliveryOutcome.Accepted("m"));
            }
        }
        assertThat(threads).hasSize(3);
    }
}
