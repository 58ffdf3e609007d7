package io.pushgate.delivery.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2FrameLogger.Direction;
import io.netty.handler.codec.http2.Http2Headers;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ApnsRetryAfterTests {

    private final ApnsRetryAfter retryAfter = new ApnsRetryAfter();

    @Test
    void anAnswersRetryAfterIsTakenOnceByItsApnsId() {
        UUID apnsId = UUID.randomUUID();
        answer(Direction.INBOUND, apnsId, "30");
        answer(Direction.INBOUND, UUID.randomUUID(), null);

        assertThat(retryAfter.take(apnsId)).isEqualTo(Duration.ofSeconds(30));
        assertThat(retryAfter.take(apnsId))
                .as("a retry reuses the apns-id: taken once")
                .isNull();
    }

    @Test
    void onlyInboundReadableHeadersCount() {
        UUID sent = UUID.randomUUID();
        answer(Direction.OUTBOUND, sent, "30");
        UUID unreadable = UUID.randomUUID();
        answer(Direction.INBOUND, unreadable, "soon");
        assertThat(retryAfter.take(sent)).isNull();
        assertThat(retryAfter.take(unreadable)).isNull();
        assertThat(retryAfter.take(null)).isNull();
    }

    @Test
    void keepsAtMostABoundedNumberOfUntakenAnswers() {
        UUID first = UUID.randomUUID();
        answer(Direction.INBOUND, first, "5");
        for (int i = 0; i < ApnsRetryAfter.MAX_KEPT; i++) {
            answer(Direction.INBOUND, UUID.randomUUID(), "5");
        }
        assertThat(retryAfter.take(first)).isNull();
    }

    private void answer(Direction direction, UUID apnsId, String retryAfterValue) {
        Http2Headers headers = new DefaultHttp2Headers().status("429").add("apns-id", apnsId.toString());
        if (retryAfterValue != null) {
            headers.add("retry-after", retryAfterValue);
        }
        retryAfter.logHeaders(direction, null, 3, headers, 0, false);
    }
}
