package io.pushgate.delivery.callback;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * After a {@code 413} with {@code Connection: close}, a lingering close (RFC 9112 §9.6): the server
 * stops sending (a FIN: the client sees its answer end and the connection close) but reads and
 * discards what the client still sends — at most {@link #MAX_DRAINED_BYTES}, for at most {@link
 * #LINGER_MILLIS} — and only then closes. Closing at once while the client is still sending its body
 * would reset the connection, and a reset can throw away the 413 before the client reads it. Every
 * other close is left as it is. One per connection, right after the HTTP codec.
 */
final class LingeringClose extends ChannelDuplexHandler {

    static final String NAME = "pushgate.lingeringClose";
    static final long LINGER_MILLIS = 2_000;
    static final long MAX_DRAINED_BYTES = 1024 * 1024;

    private boolean armed;
    private boolean lingering;
    private long drained;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response
                && response.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()
                && !HttpUtil.isKeepAlive(response)) {
            armed = true;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        Channel channel = ctx.channel();
        if (!armed || lingering || !(channel instanceof DuplexChannel duplex) || duplex.isOutputShutdown()) {
            ctx.close(promise);
            return;
        }
        lingering = true;
        ctx.flush();
        duplex.shutdownOutput().addListener(shut -> {
            channel.config().setAutoRead(true);
            ctx.read();
        });
        ctx.executor().schedule(() -> ctx.close(promise), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!lingering) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (msg instanceof HttpContent content) {
            drained += content.content().readableBytes();
        }
        ReferenceCountUtil.release(msg);
        if (drained > MAX_DRAINED_BYTES) {
            ctx.close();
        }
    }
}
