package io.pushgate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The record of accepted messages as the benchmark and the drills read it while pushes arrive: newest
 * first, down to the newest sequence they saw the time before ({@code DeliveryCheck}). A message
 * appended after a higher-numbered one would never be read, and its push counted as never made.
 */
class FcmEmulatorRecordTests {

    private static final int SENDERS = 4;
    private static final int EACH = 10_000;

    @Test
    void aReaderPagingBySequenceWhileSendsArriveMissesNoMessage() throws Exception {
        try (FcmEmulator emulator = FcmEmulator.start("127.0.0.1", 0, 1, SENDERS * EACH)) {
            emulator.acceptAccessToken("record-test");
            AtomicInteger sendersLeft = new AtomicInteger(SENDERS);
            ExecutorService threads = Executors.newFixedThreadPool(SENDERS);
            Set<Long> read = new HashSet<>();
            try {
                List<Future<?>> senders = new ArrayList<>();
                for (int t = 0; t < SENDERS; t++) {
                    int sender = t;
                    senders.add(threads.submit(() -> {
                        for (int i = 0; i < EACH; i++) {
                            assertThat(emulator.handle(send("device-" + sender + "-" + i))
                                            .status())
                                    .isEqualTo(200);
                        }
                        sendersLeft.decrementAndGet();
                        return null;
                    }));
                }
                long newestSeen = 0;
                while (sendersLeft.get() > 0) {
                    newestSeen = readSince(emulator, newestSeen, read);
                }
                for (Future<?> sender : senders) {
                    sender.get();
                }
                readSince(emulator, newestSeen, read);
            } finally {
                threads.shutdownNow();
            }

            assertThat(read).hasSize(SENDERS * EACH);
        }
    }

    @Test
    void bigMessagesAreKeptUpToTheByteBoundNewestFirst() throws Exception {
        long bound = 1024 * 1024;
        try (FcmEmulator emulator = FcmEmulator.start("127.0.0.1", 0, 1, 1_000_000, bound)) {
            emulator.acceptAccessToken("record-test");
            String payload = "x".repeat(3_000);
            for (int i = 0; i < 500; i++) {
                assertThat(emulator.handle(send("device-" + i, payload)).status())
                        .isEqualTo(200);
            }

            List<FcmMessage> kept = emulator.messages();
            // 500 messages of ~3.4 KB each are ~1.7 MB: the newest ~300 fit in 1 MiB, far fewer than the count bound
            assertThat(emulator.recordedBytes())
                    .isLessThanOrEqualTo(bound)
                    .isEqualTo(
                            kept.stream().mapToLong(FcmMessage::retainedBytes).sum());
            assertThat(kept).hasSizeBetween(250, 320);
            assertThat(kept.get(0).retainedBytes()).isGreaterThan(3_000);
            assertThat(kept)
                    .extracting(FcmMessage::deviceToken)
                    .contains("device-499")
                    .doesNotContain("device-0");

            emulator.clearMessages();
            assertThat(emulator.recordedBytes()).isZero();
        }
    }

    @Test
    void saysTheNewestMessageItNoLongerKeeps() throws Exception {
        try (FcmEmulator emulator = FcmEmulator.start("127.0.0.1", 0, 1, 3)) {
            emulator.acceptAccessToken("record-test");
            for (int i = 1; i <= 3; i++) {
                emulator.handle(send("device-" + i));
            }
            assertThat(emulator.droppedThrough()).isZero();

            emulator.handle(send("device-4"));
            emulator.handle(send("device-5"));
            long oldestKept = emulator.messages().get(2).sequence();
            assertThat(emulator.droppedThrough()).isEqualTo(oldestKept - 1);

            long newest = emulator.messages().get(0).sequence();
            emulator.clearMessages();
            assertThat(emulator.droppedThrough()).isEqualTo(newest);
        }
    }

    /** What {@code DeliveryCheck} does: newest first, until a message at or below {@code after}. */
    private static long readSince(FcmEmulator emulator, long after, Set<Long> read) {
        long newest = after;
        for (FcmMessage message : emulator.messages(null, null, Integer.MAX_VALUE, Long.MAX_VALUE)) {
            if (message.sequence() <= after) {
                break;
            }
            newest = Math.max(newest, message.sequence());
            read.add(message.sequence());
        }
        return newest;
    }

    private static FullHttpRequest send(String deviceToken) {
        return send(deviceToken, "e");
    }

    private static FullHttpRequest send(String deviceToken, String eventId) {
        byte[] body = ("{\"message\":{\"token\":\"" + deviceToken + "\",\"data\":{\"eventId\":\"" + eventId + "\"}}}")
                .getBytes(StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1,
                HttpMethod.POST,
                "/v1/projects/record-test/messages:send",
                Unpooled.wrappedBuffer(body));
        request.headers()
                .set(HttpHeaderNames.AUTHORIZATION, "Bearer record-test")
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return request;
    }
}
