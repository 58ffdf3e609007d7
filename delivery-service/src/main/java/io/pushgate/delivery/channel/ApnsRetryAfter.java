package io.pushgate.delivery.channel;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.logging.LogLevel;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code retry-after} of APNs' answers, by {@code apns-id}. pushy's response carries no headers,
 * so this reads them as HTTP/2 HEADERS frames arrive (pushy's frame-logger hook, which sees every
 * inbound frame before pushy completes the send); {@link #take} then hands the value to the answer
 * of the same {@code apns-id}. Only answers that carry the header are kept, at most {@link #MAX_KEPT}
 * at a time (an answer whose send timed out is never taken). Logs nothing.
 */
final class ApnsRetryAfter extends Http2FrameLogger {

    static final int MAX_KEPT = 10_000;

    private final Map<UUID, Duration> byApnsId = new ConcurrentHashMap<>();

    ApnsRetryAfter() {
        super(LogLevel.TRACE);
    }

    /** The {@code retry-after} of the answer to {@code apnsId}, once; {@code null} when it had none. */
    Duration take(UUID apnsId) {
        return apnsId == null ? null : byApnsId.remove(apnsId);
    }

    @Override
    public boolean isEnabled() {
        return false;
    }

    @Override
    public void logHeaders(
            Direction direction,
            ChannelHandlerContext ctx,
            int streamId,
            Http2Headers headers,
            int padding,
            boolean endStream) {
        read(direction, headers);
    }

    @Override
    public void logHeaders(
            Direction direction,
            ChannelHandlerContext ctx,
            int streamId,
            Http2Headers headers,
            int streamDependency,
            short weight,
            boolean exclusive,
            int padding,
            boolean endStream) {
        read(direction, headers);
    }

    private void read(Direction direction, Http2Headers headers) {
        if (direction != Direction.INBOUND) {
            return;
        }
        CharSequence retryAfter = headers.get("retry-after");
        CharSequence apnsId = headers.get("apns-id");
        if (retryAfter == null || apnsId == null) {
            return;
        }
        Duration wait = FcmChannel.parseRetryAfter(retryAfter.toString());
        if (wait == null) {
            return;
        }
        try {
            if (byApnsId.size() >= MAX_KEPT) {
                byApnsId.clear(); // answers nobody took: their sends timed out
            }
            byApnsId.put(UUID.fromString(apnsId.toString()), wait);
        } catch (IllegalArgumentException notAUuid) {
            // APNs' apns-id is a UUID; an answer without a readable one cannot be matched
        }
    }
}
