package io.pushgate.api.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.pushgate.api.problem.ProblemKind;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Answers a request that the HTTP/1.1 decoder could not read with an RFC 9457 problem and closes the
 * connection: a request line longer than the server reads ({@code 414}), a header block larger than it
 * reads ({@code 431}), or anything else the decoder refuses ({@code 400}: a control character or bare
 * line break in a header, two {@code Content-Length}s that disagree, a request line that is no HTTP).
 * Without it Reactor Netty answers such a request itself, before any of the service's code, with the
 * bare status and no body. The answer never repeats the request's text.
 *
 * <p>One per connection, right after the HTTP codec and before Reactor Netty's own handlers, so it
 * sees each decoded request first: a request whose decoding failed stops here, every other passes on
 * untouched. When an earlier request on the connection is still unanswered (pipelining), the failed
 * one passes on as well and Reactor Netty answers it in turn, bare as before: answering it here would
 * put its answer ahead of the earlier one's.
 *
 * <p>After the answer the server stops sending and discards what the client still sends for up to
 * {@link #LINGER_MILLIS} before it closes (a lingering close, RFC 9112 §9.6): closing with the rest of
 * an oversized header block unread would reset the connection, and a reset can lose the answer.
 */
public final class MalformedRequestRefusal extends ChannelDuplexHandler {

    /** The handler's name in the channel pipeline. */
    public static final String NAME = "pushgate.malformedRequestRefusal";

    /** The longest the connection stays open, half-closed, after the answer. */
    public static final long LINGER_MILLIS = 2_000;

    private final ProblemKind rejected;
    private final ProblemKind lineTooLong;
    private final ProblemKind headersTooLarge;

    /** Requests passed on whose answer has not ended yet. */
    private int unanswered;

    private boolean refused;

    /**
     * A refusal that answers with the service's own kinds: {@code rejected} ({@code 400}), {@code
     * lineTooLong} ({@code 414}), {@code headersTooLarge} ({@code 431}).
     */
    public MalformedRequestRefusal(ProblemKind rejected, ProblemKind lineTooLong, ProblemKind headersTooLarge) {
        this.rejected = withStatus(rejected, 400);
        this.lineTooLong = withStatus(lineTooLong, 414);
        this.headersTooLarge = withStatus(headersTooLarge, 431);
    }

    /**
     * Installs a refusal answering with these kinds on {@code channel}, right after the handler named
     * {@code codec} (Reactor Netty's {@code NettyPipeline.HttpCodec}); nothing on a channel without that
     * codec or that has one already. For a server's {@code doOnChannelInit}.
     */
    public static void install(
            Channel channel, String codec, ProblemKind rejected, ProblemKind lineTooLong, ProblemKind headersTooLarge) {
        if (channel.pipeline().get(codec) != null && channel.pipeline().get(NAME) == null) {
            channel.pipeline()
                    .addAfter(codec, NAME, new MalformedRequestRefusal(rejected, lineTooLong, headersTooLarge));
        }
    }

    private static ProblemKind withStatus(ProblemKind kind, int status) {
        if (kind.status() != status) {
            throw new IllegalArgumentException(kind.type() + " is not a " + status);
        }
        return kind;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            if (request.decoderResult().isFailure() && unanswered == 0) {
                Throwable cause = request.decoderResult().cause();
                ReferenceCountUtil.release(msg);
                refuse(ctx, cause);
                return;
            }
            unanswered++;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent
                && unanswered > 0
                && !(msg instanceof HttpResponse response
                        && response.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
            unanswered--;
        }
        ctx.write(msg, promise);
    }

    /** The kind of problem for what the decoder said of the request. */
    ProblemKind kindOf(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return lineTooLong;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return headersTooLarge;
        }
        return rejected;
    }

    private void refuse(ChannelHandlerContext ctx, Throwable cause) {
        refused = true;
        ProblemKind kind = kindOf(cause);
        byte[] body = problem(kind).getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(kind.status()), Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(written -> lingerThenClose(ctx));
    }

    private static void lingerThenClose(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        if (!(channel instanceof DuplexChannel duplex) || !channel.isActive()) {
            ctx.close();
            return;
        }
        duplex.shutdownOutput().addListener(shut -> {
            if (!shut.isSuccess()) {
                ctx.close();
                return;
            }
            // the decoder discards whatever else comes; reading it keeps the close a FIN, not a reset
            channel.config().setAutoRead(true);
            ctx.read();
        });
        ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The problem body: the kind and a fixed detail, never any of the request's text. */
    static String problem(ProblemKind kind) {
        String detail = switch (kind.status()) {
            case 414 -> "the request line is longer than this server reads; the connection is closed";
            case 431 -> "the request's headers are larger than this server reads; the connection is closed";
            default ->
                "the request is not well-formed HTTP/1.1 (its request line or a header cannot be read);"
                        + " the connection is closed";
        };
        return "{\"type\":" + quote(kind.type().toString()) + ",\"title\":" + quote(kind.title()) + ",\"status\":"
                + kind.status() + ",\"detail\":" + quote(detail) + "}";
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
