package io.pushgate.microbench;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Locale;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A server that answers every request {@code 202} with no body, built on one of the layers the
 * callback endpoint is built on — the floor of what an HTTP exchange costs on that layer, to measure
 * beside the callback endpoint and beside nginx on the same machine ({@code ./pushgate bench
 * reference}, docs/PERFORMANCE.md). It reads each request's body to its end, as the callback endpoint
 * does, and keeps connections alive.
 *
 * <ul>
 *   <li>{@link Kind#NETTY}: Reactor Netty's HTTP server alone, the handler answering at once;
 *   <li>{@link Kind#WEBFLUX}: the same server under Spring WebFlux's functional routing (one route,
 *       {@code RouterFunctions.toHttpHandler}), as delivery-service's callback route is, but without
 *       Spring Boot, Spring Security, observations, logging or a database.
 * </ul>
 */
public final class ReferenceServer implements AutoCloseable {

    /** The layer the server stands on. */
    public enum Kind {
        NETTY,
        WEBFLUX
    }

    private final DisposableServer server;

    private ReferenceServer(DisposableServer server) {
        this.server = server;
    }

    /** Starts a {@code kind} server on loopback at {@code port} (0: any free port). */
    public static ReferenceServer start(Kind kind, int port) {
        HttpServer http = HttpServer.create().host("127.0.0.1").port(port);
        HttpServer handled = switch (kind) {
            case NETTY ->
                http.handle((request, response) -> request.receive()
                        .then(response.status(HttpResponseStatus.ACCEPTED).send()));
            case WEBFLUX ->
                http.handle(new ReactorHttpHandlerAdapter(RouterFunctions.toHttpHandler(RouterFunctions.route(
                        RequestPredicates.all(),
                        request -> request.bodyToMono(byte[].class)
                                .then(ServerResponse.accepted().build())))));
        };
        return new ReferenceServer(handled.bindNow());
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.disposeNow();
    }

    /** {@code netty|webflux [port]}: serves until the process is stopped. */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: ./pushgate bench reference netty|webflux [port]   (port 0 or absent: any)");
            System.exit(2);
        }
        Kind kind;
        int port;
        try {
            kind = Kind.valueOf(args[0].toUpperCase(Locale.ROOT));
            port = args.length == 2 ? Integer.parseInt(args[1]) : 0;
        } catch (IllegalArgumentException e) {
            System.err.println(
                    "pushgate bench reference: '" + String.join(" ", args) + "' is not 'netty|webflux [port]'");
            System.exit(2);
            return;
        }
        ReferenceServer reference = start(kind, port);
        Runtime.getRuntime().addShutdownHook(new Thread(reference::close));
        System.out.println("Reference server (" + kind.name().toLowerCase(Locale.ROOT)
                + ") answering 202 on http://127.0.0.1:" + reference.port() + "/ (pid "
                + ProcessHandle.current().pid() + "); Ctrl-C stops it.");
        Mono.never().block();
    }
}
