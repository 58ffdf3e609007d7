package io.pushgate.loadgen;

import java.net.URI;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Where the simulator warms its own JVM ({@code --generator-warmup}): an HTTP server on loopback
 * that reads each request's body and answers {@code 202}, so that the simulator's client, signing
 * and bookkeeping are compiled before the first callback reaches the platform under test.
 */
final class GeneratorSink implements AutoCloseable {

    private final DisposableServer server;

    private GeneratorSink(DisposableServer server) {
        this.server = server;
    }

    static GeneratorSink start() {
        return new GeneratorSink(HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle((request, response) -> request.receive()
                        .then(Mono.defer(() -> response.status(202).send().then())))
                .bindNow());
    }

    /** A callback URL on the sink (any path is answered alike). */
    URI callbackUrl() {
        return URI.create("http://127.0.0.1:" + server.port() + "/axp/callbacks/generator-warmup");
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
