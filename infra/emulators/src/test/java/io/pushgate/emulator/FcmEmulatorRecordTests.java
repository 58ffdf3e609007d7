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
        byte[] body = ("{\"message\":{\"token\":\"" + deviceToken + "\",\"data\":{\"eventId\":\"e\"}}}")
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
