package com.eatthepath.pushy.apns.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.logging.LogLevel;
import io.netty.handler.ssl.SslContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLSession;

/**
 * pushy's {@link MockApnsServer} that can add headers to the answer it is about to write — APNs'
 * {@code retry-after} on a {@code 429}, which pushy's server never writes. A {@link
 * PushNotificationHandler} calls {@link #addToThisAnswer} just before it rejects a notification;
 * pushy writes that rejection at once, on the same event-loop thread, and the headers are added to it
 * as its HEADERS frame goes out (the HTTP/2 frame logger is the one place that sees the frame before
 * it is encoded). It sits in pushy's package because {@link MockApnsServer}'s constructor and its
 * handler builder's setters are package-private. It also tells {@code connections} of each connection
 * and its TLS session (for faults that close a client's connections); it changes nothing else.
 */
public final class AnswerHeadersMockApnsServer extends MockApnsServer {

    private static final ThreadLocal<Map<String, String>> PENDING = new ThreadLocal<>();

    private final PushNotificationHandlerFactory handlerFactory;
    private final MockApnsServerListener listener;
    private final int maxConcurrentStreams;
    private final BiConsumer<SSLSession, Channel> connections;

    public AnswerHeadersMockApnsServer(
            SslContext tls,
            EventLoopGroup eventLoopGroup,
            PushNotificationHandlerFactory handlerFactory,
            MockApnsServerListener listener,
            int maxConcurrentStreams,
            BiConsumer<SSLSession, Channel> connections) {
        super(tls, eventLoopGroup, handlerFactory, listener, maxConcurrentStreams, false);
        this.handlerFactory = handlerFactory;
        this.listener = listener;
        this.maxConcurrentStreams = maxConcurrentStreams;
        this.connections = connections;
    }

    /**
     * Adds {@code name: value} to the answer the server writes next on this thread: call it from a
     * {@link PushNotificationHandler} just before it throws its {@link RejectedNotificationException}.
     */
    public static void addToThisAnswer(String name, String value) {
        Map<String, String> pending = PENDING.get();
        if (pending == null) {
            pending = new LinkedHashMap<>();
            PENDING.set(pending);
        }
        pending.put(name, value);
    }

    /** Forgets headers that no answer took (the handler accepted after all). */
    public static void forgetPending() {
        PENDING.remove();
    }

    @Override
    protected void addHandlersToPipeline(SSLSession session, ChannelPipeline pipeline) {
        connections.accept(session, pipeline.channel());
        MockApnsServerHandler handler = new Builder()
                .pushNotificationHandler(handlerFactory.buildHandler(session))
                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(maxConcurrentStreams))
                .listener(listener)
                .generateApnsUniqueId(false)
                .build();
        pipeline.addLast(handler);
    }

    private static final class Builder extends MockApnsServerHandler.MockApnsServerHandlerBuilder {
        Builder() {
            frameLogger(new AddingHeaders());
        }
    }

    /** Adds the pending headers to the next outbound HEADERS frame; logs nothing. */
    private static final class AddingHeaders extends Http2FrameLogger {

        AddingHeaders() {
            super(LogLevel.TRACE);
        }

        @Override
        public void logHeaders(
                Direction direction,
                ChannelHandlerContext ctx,
                int streamId,
                Http2Headers headers,
                int padding,
                boolean endStream) {
            add(direction, headers);
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
            add(direction, headers);
        }

        private static void add(Direction direction, Http2Headers headers) {
            if (direction != Direction.OUTBOUND || headers.status() == null) {
                return;
            }
            Map<String, String> pending = PENDING.get();
            if (pending != null) {
                PENDING.remove();
                pending.forEach(headers::set);
            }
        }

        @Override
        public boolean isEnabled() {
            return false;
        }
    }
}
