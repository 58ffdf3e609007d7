package io.pushgate.emulator;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server on Netty that hands each full request to a function and writes its answer,
 * after the answer's delay when it has one (scheduled, never blocking the event loop).
 */
final class HttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    static final int MAX_REQUEST_BYTES = 1024 * 1024;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;

    HttpServer(String host, int port, int threads, Function<FullHttpRequest, HttpAnswer> handler) {
        this.boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.workers = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        ChannelHandler requests = new Requests(handler);
        try {
            this.channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline()
                                    .addLast(new HttpServerCodec())
                                    .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                    .addLast(requests);
                        }
                    })
                    .bind(host, port)
                    .syncUninterruptibly()
                    .channel();
        } catch (RuntimeException e) {
            shutDown();
            throw e;
        }
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        shutDown();
    }

    private void shutDown() {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ChannelHandler.Sharable
    private static final class Requests extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final Function<FullHttpRequest, HttpAnswer> handler;

        Requests(Function<FullHttpRequest, HttpAnswer> handler) {
            this.handler = handler;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpAnswer answer;
            if (!request.decoderResult().isSuccess()) {
                answer = new HttpAnswer(
                        400, "text/plain", Map.of(), "malformed request".getBytes(), java.time.Duration.ZERO);
            } else {
                try {
                    answer = handler.apply(request);
                } catch (RuntimeException e) {
                    // the path may hold a device token: log its first segments only
                    log.error("emulator failed on {} {}", request.method(), pathPrefix(request.uri()), e);
                    answer = new HttpAnswer(
                            500, "text/plain", Map.of(), "emulator error".getBytes(), java.time.Duration.ZERO);
                }
            }
            if (answer.reset()) {
                reset(context, answer);
                return;
            }
            FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(answer.status()),
                    Unpooled.wrappedBuffer(answer.body()));
            if (answer.contentType() != null) {
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
            }
            answer.headers().forEach(response.headers()::set);
            HttpUtil.setContentLength(response, answer.body().length);
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            Runnable write = () -> {
                var future = context.writeAndFlush(response);
                if (!keepAlive) {
                    future.addListener(ChannelFutureListener.CLOSE);
                }
            };
            if (answer.delay().isZero()) {
                write.run();
            } else {
                context.executor().schedule(write, answer.delay().toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        /**
         * Writes the status line and the first header of {@code answer}, past the HTTP encoder, then closes
         * the connection with a TCP reset (linger 0): the client reads a response cut short.
         */
        private static void reset(ChannelHandlerContext context, HttpAnswer answer) {
            String head = "HTTP/1.1 " + answer.status() + " "
                    + HttpResponseStatus.valueOf(answer.status()).reasonPhrase() + "\r\nContent-Type: "
                    + answer.contentType() + "\r\nContent-Le";
            ChannelHandlerContext beforeCodec = context.pipeline().context(HttpServerCodec.class);
            beforeCodec
                    .writeAndFlush(Unpooled.copiedBuffer(head, java.nio.charset.StandardCharsets.US_ASCII))
                    .addListener(written -> {
                        context.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                        context.channel().close();
                    });
        }

        private static String pathPrefix(String uri) {
            String path = uri.split("\\?", 2)[0];
            String[] segments = path.split("/", 5);
            return segments.length < 5 ? path : String.join("/", java.util.Arrays.copyOf(segments, 4)) + "/…";
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            log.debug("emulator connection failed", cause);
            context.close();
        }
    }
}
