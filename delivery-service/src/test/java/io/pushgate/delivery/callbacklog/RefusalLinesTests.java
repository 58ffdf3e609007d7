package io.pushgate.delivery.callbacklog;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RefusalLinesTests {

    private static final Instant T = Instant.parse("2026-12-06T04:00:00Z");

    private final RefusalLines lines = new RefusalLines();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(RefusalLines.class);

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
    }

    @Test
    void aFloodIsLoggedOncePerSecondInFullAndCountedExactly() {
        UUID configuration = UUID.randomUUID();
        int inFull = 0;
        for (int i = 0; i < 3_000; i++) {
            // 1,000 a second for three seconds
            if (lines.logInFull(configuration, "invalid_signature", 401, T.plusMillis(i))) {
                inFull++;
            }
        }
        lines.flush(T.plusSeconds(3));

        assertThat(inFull).isEqualTo(3);
        assertThat(logged.list)
                .singleElement()
                .satisfies(
                        line -> assertThat(line.getFormattedMessage())
                                .isEqualTo(
                                        "callbacks configuration=" + configuration
                                                + " outcome=invalid_signature status=401 notLoggedOneByOne=2997 since=2026-12-06T04:00:00.001Z"));
    }

    @Test
    void eachConfigurationAndAnswerIsThinnedOnItsOwn() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();

        assertThat(lines.logInFull(a, "invalid_signature", 401, T)).isTrue();
        assertThat(lines.logInFull(b, "invalid_signature", 401, T)).isTrue();
        assertThat(lines.logInFull(a, "invalid_event", 400, T)).isTrue();
        assertThat(lines.logInFull(null, "unknown_key", 404, T)).isTrue();
        assertThat(lines.logInFull(a, "invalid_signature", 401, T)).isFalse();
        assertThat(lines.logInFull(null, "unknown_key", 404, T)).isFalse();
        lines.flush(T.plusSeconds(1));

        assertThat(logged.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactlyInAnyOrder(
                        "callbacks configuration=" + a
                                + " outcome=invalid_signature status=401 notLoggedOneByOne=1 since=" + T,
                        "callbacks configuration=none outcome=unknown_key status=404 notLoggedOneByOne=1 since=" + T);
    }

    @Test
    void nothingIsLoggedByAFlushWhenEveryRefusalWasLoggedInFull() {
        UUID configuration = UUID.randomUUID();
        lines.logInFull(configuration, "invalid_signature", 401, T);
        lines.logInFull(configuration, "invalid_signature", 401, T.plusSeconds(1));
        lines.flush(T.plusSeconds(2));

        assertThat(logged.list).isEmpty();
    }

    @Test
    void aKindIdleForAMinuteIsForgottenAndCountsAfreshWhenItComesAgain() {
        UUID configuration = UUID.randomUUID();
        lines.logInFull(configuration, "invalid_signature", 401, T);
        lines.logInFull(configuration, "invalid_signature", 401, T);
        lines.flush(T.plusSeconds(1));
        lines.flush(T.plus(RefusalLines.IDLE).plusSeconds(2));

        assertThat(lines.logInFull(configuration, "invalid_signature", 401, T)).isTrue();
        assertThat(logged.list).hasSize(1);
    }

    /** Refusals counted while flushes run (and forget windows) are never lost between a window and its successor. */
    @Test
    void concurrentRefusalsAreCountedExactlyAcrossFlushes() throws Exception {
        UUID configuration = UUID.randomUUID();
        AtomicInteger inFull = new AtomicInteger();
        AtomicInteger sendersLeft = new AtomicInteger(2);
        // long after the refusals' second: every flush forgets a window it finds with nothing counted
        Instant flushedAt = T.plus(RefusalLines.IDLE).plusSeconds(120);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                senders.add(threads.submit(() -> {
                    for (int i = 0; i < 100_000; i++) {
                        if (lines.logInFull(configuration, "invalid_signature", 401, T)) {
                            inFull.incrementAndGet();
                        }
                        Thread.yield(); // let the flusher find the window empty now and then
                    }
                    sendersLeft.decrementAndGet();
                }));
            }
            while (sendersLeft.get() > 0) {
                lines.flush(flushedAt);
            }
            for (Future<?> sender : senders) {
                sender.get();
            }
        } finally {
            threads.shutdown();
        }
        lines.flush(flushedAt);

        long counted = logged.list.stream()
                .mapToLong(line ->
                        Long.parseLong(line.getFormattedMessage().replaceAll(".*notLoggedOneByOne=(\\d+).*", "$1")))
                .sum();
        assertThat(inFull.get()).as("windows forgotten and begun again").isGreaterThan(1);
        assertThat(counted + inFull.get()).isEqualTo(200_000);
    }
}
