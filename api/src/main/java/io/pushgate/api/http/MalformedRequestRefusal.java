package io.pushgate.api.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Answers a request that the HTTP/1.1 decoder could not read with an RFC 9457 problem and closes the
 * connection: a request line longer than the server reads ({@code 414}), a header block larger than it
 * reads ({@code 431}), a request in a major version of HTTP other than 1 ({@code 505}: {@code HTTP/2.0}
 * on this port, {@code HTTP/0.9}, {@code HTTP/3.0}), a chunked body whose framing cannot be read
 * ({@code 400}: a chunk size that is no hex number, a bad chunk extension, a chunk not ended by CRLF),
 * or anything else the decoder refuses ({@code 400}: a control character or bare line break in a
 * header, two {@code Content-Length}s that disagree, a request line that is no HTTP). Without it
 * Reactor Netty answers such a request itself, before any of the service's code (or, for a body,
 * instead of it), with the bare status and no body. The answer never repeats the request's text.
 * {@code HTTP/1.2} and the like are served as HTTP/1.1 (RFC 9110 §2.5: a higher minor version of a
 * major version the server implements is read as the highest it implements).
 *
 * <p>One per connection, right after the HTTP codec and before Reactor Netty's own handlers, so it
 * sees each decoded request first: a request whose decoding failed stops here, every other passes on
 * untouched. When an earlier request on the connection is still unanswered (pipelining), the failed
 * one passes on as well and Reactor Netty answers it in turn, bare as before: answering it here would
 * put its answer ahead of the earlier one's.
 *
 * <p>A body is decoded after its request has passed on, while the service may be reading it: when a
 * chunk cannot be read and the service has not begun its answer, the answer is this problem, and
 * whatever the service writes after it is dropped (its request's body never ends: the service sees
 * the connection close). When the service has already answered, the connection closes without a
 * second answer.
 *
 * <p>A request cut short by the client closing the connection is no refusal: what Netty's decoder
 * reports of it as {@link PrematureChannelClosureException} stops here unanswered and uncounted —
 * nobody is left to answer; a request already passed on sees its body fail as the connection closes.
 *
 * <p>Each refusal is told to a {@link Listener} with its kind ({@link #counted} counts them in a meter)
 * and never logged: a flood of malformed requests is a count, not a flood of log lines.
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

    /**
     * The kinds a service answers these refusals with, each of its status: {@code rejected} ({@code
     * 400}), {@code lineTooLong} ({@code 414}), {@code headersTooLarge} ({@code 431}), {@code
     * chunkedBodyMalformed} ({@code 400}), {@code versionNotSupported} ({@code 505}).
     */
    public record Kinds(
            ProblemKind rejected,
            ProblemKind lineTooLong,
            ProblemKind headersTooLarge,
            ProblemKind chunkedBodyMalformed,
            ProblemKind versionNotSupported) {

        /** Refuses a kind whose status is not the one its refusal answers with. */
        public Kinds {
            withStatus(rejected, 400);
            withStatus(lineTooLong, 414);
            withStatus(headersTooLarge, 431);
            withStatus(chunkedBodyMalformed, 400);
            withStatus(versionNotSupported, 505);
            if (rejected.type().equals(chunkedBodyMalformed.type())) {
                throw new IllegalArgumentException("a malformed chunked body has a type of its own");
            }
        }

        private static void withStatus(ProblemKind kind, int status) {
            if (kind.status() != status) {
                throw new IllegalArgumentException(kind.type() + " is not a " + status);
            }
        }
    }

    /** Told of each refusal, with the kind answered; it runs on the connection's event loop, so it must not block. */
    @FunctionalInterface
    public interface Listener {

        /** A request was refused as {@code kind} (answered, or its connection closed without an answer). */
        void refused(ProblemKind kind);
    }

    /** The meter of the refusals, {@code pushgate_requests_refused_total{problem}}: its name. */
    public static final String METER = "pushgate.requests.refused";

    /**
     * A listener that counts each refusal in {@code pushgate_requests_refused_total{problem=<slug>}}, e.g.
     * {@code problem="chunked-body-malformed"}: one counter per kind, registered (at 0) at once.
     */
    public static Listener counted(Kinds kinds, MeterRegistry meters) {
        Map<ProblemKind, Counter> counters = new ConcurrentHashMap<>();
        for (ProblemKind kind : List.of(
                kinds.rejected(),
                kinds.lineTooLong(),
                kinds.headersTooLarge(),
                kinds.chunkedBodyMalformed(),
                kinds.versionNotSupported())) {
            counters.put(kind, counter(kind, meters));
        }
        return kind -> counters.computeIfAbsent(kind, unlisted -> counter(unlisted, meters))
                .increment();
    }

    /**
     * {@link #counted(Kinds, MeterRegistry)}, made at the first {@link Supplier#get} and the same one
     * after: the registry is taken (and each kind's counter registered at 0) then, not when this is
     * called. For a server's customizer, made before the registry should be: its first connection (a
     * scrape of the meters is one) gets the listener, so every kind is listed from 0 from then on.
     */
    public static Supplier<Listener> counted(Kinds kinds, Supplier<MeterRegistry> meters) {
        return new Supplier<>() {
            private volatile Listener listener;

            @Override
            public Listener get() {
                Listener made = listener;
                if (made == null) {
                    synchronized (this) {
                        made = listener;
                        if (made == null) {
                            made = counted(kinds, meters.get());
                            listener = made;
                        }
                    }
                }
                return made;
            }
        };
    }

    /** The counter of refusals of {@code kind} in {@code meters}, the same one {@link #counted} increments. */
    public static Counter counter(ProblemKind kind, MeterRegistry meters) {
        return Counter.builder(METER)
                .description("Requests refused before any route saw them (by the HTTP decoder or the firewall),"
                        + " by problem type")
                .tag("problem", kind.slug())
                .register(meters);
    }

    private final Kinds kinds;
    private final Listener listener;

    /** Requests passed on whose answer has not ended yet. */
    private int unanswered;

    /** The oldest unanswered request's answer has begun. */
    private boolean answering;

    private boolean refused;

    /** A refusal that answers with the service's own kinds and tells {@code listener} of each. */
    public MalformedRequestRefusal(Kinds kinds, Listener listener) {
        this.kinds = kinds;
        this.listener = listener;
    }

    /**
     * Installs a refusal answering with these kinds and telling {@code listener} on {@code channel},
     * right after the handler named {@code codec} (Reactor Netty's {@code NettyPipeline.HttpCodec});
     * nothing on a channel without that codec or that has one already. For a server's {@code
     * doOnChannelInit}.
     */
    public static void install(Channel channel, String codec, Kinds kinds, Listener listener) {
        if (channel.pipeline().get(codec) != null && channel.pipeline().get(NAME) == null) {
            channel.pipeline().addAfter(codec, NAME, new MalformedRequestRefusal(kinds, listener));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof DecoderResultProvider decoded
                && decoded.decoderResult().cause() instanceof PrematureChannelClosureException) {
            // the client closed the connection in the middle of its request: nobody to answer, nothing
            // to count; a request already passed on sees its body fail as the connection closes
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            ProblemKind refusal = refusalOf(request);
            if (refusal != null && unanswered == 0) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, refusal);
                return;
            }
            if (refusal != null && request.decoderResult().isSuccess()) {
                // behind an unanswered request: Reactor Netty refuses it in turn, never serves it
                request.setDecoderResult(DecoderResult.failure(
                        new IllegalArgumentException("unsupported HTTP version " + request.protocolVersion())));
            }
            unanswered++;
        } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
            if (unanswered == 0) {
                // the body's request has its answer: a second one would answer a request never sent
                ReferenceCountUtil.release(msg);
                refused = true;
                listener.refused(kindOfBody(content.decoderResult().cause()));
                // after the answer written before it (an empty write is flushed behind it)
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> lingerThenClose(ctx));
                return;
            }
            if (unanswered == 1 && !answering) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, kindOfBody(content.decoderResult().cause()));
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (refused) {
            // the service's answer to a request whose body this refusal answered
            ReferenceCountUtil.release(msg);
            if (!promise.isVoid()) {
                promise.tryFailure(new ChannelOutputShutdownException("the request was refused as malformed"));
            }
            return;
        }
        boolean informational =
                msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (unanswered > 0 && !informational) {
            if (msg instanceof HttpResponse) {
                answering = true;
            }
            if (msg instanceof LastHttpContent) {
                unanswered--;
                answering = false;
            }
        }
        ctx.write(msg, promise);
    }

    /** The kind of problem for a request the decoder could not read or whose version is not served; none when it is fine. */
    ProblemKind refusalOf(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                return kinds.lineTooLong();
            }
            if (cause instanceof TooLongHttpHeaderException) {
                return kinds.headersTooLarge();
            }
            return kinds.rejected();
        }
        if (request.protocolVersion().majorVersion() != 1) {
            return kinds.versionNotSupported();
        }
        return null;
    }

    /** The kind of problem for a body the decoder could not read: its trailer too large, or its chunks. */
    ProblemKind kindOfBody(Throwable cause) {
        return cause instanceof TooLongHttpHeaderException ? kinds.headersTooLarge() : kinds.chunkedBodyMalformed();
    }

    private void refuse(ChannelHandlerContext ctx, ProblemKind kind) {
        refused = true;
        listener.refused(kind);
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
    String problem(ProblemKind kind) {
        String detail;
        if (kind == kinds.lineTooLong()) {
            detail = "the request line is longer than this server reads; the connection is closed";
        } else if (kind == kinds.headersTooLarge()) {
            detail = "the request's headers (or its chunked body's trailer) are larger than this server reads;"
                    + " the connection is closed";
        } else if (kind == kinds.versionNotSupported()) {
            detail = "this server speaks HTTP/1.1 (and HTTP/1.0) on this port; the connection is closed";
        } else if (kind == kinds.chunkedBodyMalformed()) {
            detail = "the request's chunked body cannot be read (a chunk's size, extension or end is malformed);"
                    + " the connection is closed";
        } else {
            detail = "the request is not well-formed HTTP/1.1 (its request line or a header cannot be read);"
                    + " the connection is closed";
        }
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
