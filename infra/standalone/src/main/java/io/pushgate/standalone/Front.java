package io.pushgate.standalone;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;

/**
 * The local stand-in for a load balancer in front of several delivery-service instances: one public
 * port, requests spread round-robin over the instances whose readiness answers 200 (asked every
 * {@link #HEALTH_INTERVAL}), as a Kubernetes Service routes only to ready pods.
 *
 * <p>A request and its answer are held whole (bodies are small: callbacks at most 64 KiB), so that a
 * request that met a dead instance — refused, or its connection closed before the answer was
 * complete, as after a {@code kill -9} — goes to the next instance instead of failing. That is safe
 * for everything delivery-service serves: a callback is stored once per {@code eventId} (a second
 * try answers 200 {@code duplicate}), registrations are put and deleted by device token, the rest
 * only reads. When no instance answers the client gets a 503 problem with {@code Retry-After}, the
 * answer AXP retries.
 */
final class Front implements AutoCloseable {

    static final Duration HEALTH_INTERVAL = Duration.ofMillis(500);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_BODY = 1024 * 1024;
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-authenticate",
            "proxy-authorization",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "host",
            "content-length",
            "forwarded",
            "x-forwarded-for",
            "x-forwarded-host",
            "x-forwarded-port",
            "x-forwarded-proto");

    /** One instance behind the front; {@code ready} is what its last readiness answer said. */
    static final class Backend {
        final String name;
        final URI base;
        volatile boolean ready;

        Backend(String name, URI base) {
            this.name = name;
            this.base = base;
        }
    }

    private record Answer(HttpResponseStatus status, HttpHeaders headers, byte[] body) {}

    private static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("request body over " + MAX_BODY + " bytes", null, false, false);
        }
    }

    private final List<Backend> backends = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final ConnectionProvider pool;
    private final HttpClient client;
    private final HttpClient health;
    private final DisposableServer server;
    private final Disposable checks;

    private Front(int port, List<Backend> initial) {
        backends.addAll(initial);
        pool = ConnectionProvider.builder("pushgate-front")
                .maxConnections(1024)
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(ANSWER_TIMEOUT)
                .maxIdleTime(Duration.ofSeconds(20))
                .build();
        client = HttpClient.create(pool).responseTimeout(ANSWER_TIMEOUT);
        health = HttpClient.create(ConnectionProvider.newConnection()).responseTimeout(Duration.ofSeconds(2));
        // the first answers before the port opens: a front that is up routes at once
        Flux.fromIterable(backends).flatMap(this::check).then().block(Duration.ofSeconds(5));
        checks = Flux.interval(HEALTH_INTERVAL, HEALTH_INTERVAL)
                .onBackpressureDrop()
                .concatMap(tick -> Flux.fromIterable(backends).flatMap(this::check), 1)
                .subscribe();
        server = HttpServer.create().port(port).handle(this::handle).bindNow();
    }

    /** Listens on {@code port} (all interfaces) in front of {@code backends}. */
    static Front start(int port, List<Backend> backends) {
        return new Front(port, backends);
    }

    int port() {
        return ((InetSocketAddress) server.address()).getPort();
    }

    /** Whether any instance is ready now. */
    boolean anyReady() {
        return backends.stream().anyMatch(backend -> backend.ready);
    }

    private Mono<Void> check(Backend backend) {
        return health.get()
                .uri(backend.base.resolve("/actuator/health/readiness").toString())
                .responseSingle((response, body) ->
                        body.then(Mono.just(response.status().code() == 200)))
                .timeout(Duration.ofSeconds(2))
                .onErrorReturn(false)
                .doOnNext(ready -> backend.ready = ready)
                .then();
    }

    private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        return request.receive()
                .asByteArray()
                .reduce(new byte[0], Front::append)
                .flatMap(body -> forward(request, body, backends.size()))
                .onErrorResume(
                        TooLarge.class,
                        tooLarge -> Mono.just(problem(
                                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                                "request-too-large",
                                "The request body is larger than " + MAX_BODY + " bytes.")))
                .flatMap(answer -> {
                    response.status(answer.status());
                    answer.headers().forEach(header -> {
                        if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                            response.addHeader(header.getKey(), header.getValue());
                        }
                    });
                    response.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(answer.body().length));
                    return response.sendByteArray(Mono.just(answer.body())).then();
                });
    }

    private static byte[] append(byte[] sofar, byte[] chunk) {
        if (sofar.length + chunk.length > MAX_BODY) {
            throw new TooLarge();
        }
        byte[] joined = new byte[sofar.length + chunk.length];
        System.arraycopy(sofar, 0, joined, 0, sofar.length);
        System.arraycopy(chunk, 0, joined, sofar.length, chunk.length);
        return joined;
    }

    /** Sends to the next ready instance; on a transport failure to the one after, {@code triesLeft} times. */
    private Mono<Answer> forward(HttpServerRequest request, byte[] body, int triesLeft) {
        Backend backend = pick();
        if (backend == null || triesLeft <= 0) {
            return Mono.just(unavailable());
        }
        HttpHeaders headers = new DefaultHttpHeaders();
        request.requestHeaders().forEach(header -> {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                headers.add(header.getKey(), header.getValue());
            }
        });
        // set here, never passed on: the instances believe X-Forwarded-For from loopback
        // (pushgate.trusted-proxies), so a caller's own header must not reach them
        InetSocketAddress peer = request.remoteAddress();
        if (peer != null) {
            headers.set("X-Forwarded-For", peer.getAddress().getHostAddress());
        }
        headers.set("X-Forwarded-Proto", "http");
        if (body.length > 0) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
        }
        String host = request.requestHeaders().get(HttpHeaderNames.HOST);
        if (host != null) {
            headers.set("X-Forwarded-Host", host);
        }
        return client.headers(h -> h.add(headers))
                .request(HttpMethod.valueOf(request.method().name()))
                .uri(backend.base.toString() + request.uri())
                .send(body.length == 0 ? Mono.empty() : Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                .responseSingle((answer, content) -> content.asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .map(bytes -> new Answer(answer.status(), answer.responseHeaders(), bytes)))
                .onErrorResume(
                        error -> !(error instanceof TimeoutException) && !(error instanceof ReadTimeoutException),
                        error -> {
                            // refused, reset or closed before the whole answer: the instance is gone
                            backend.ready = false;
                            return forward(request, body, triesLeft - 1);
                        })
                .onErrorResume(timeout -> Mono.just(problem(
                        HttpResponseStatus.GATEWAY_TIMEOUT,
                        "instance-timeout",
                        "delivery-service did not answer within " + ANSWER_TIMEOUT.toSeconds() + " s.")));
    }

    private Backend pick() {
        List<Backend> all = backends;
        int size = all.size();
        for (int i = 0; i < size; i++) {
            Backend candidate = all.get(Math.floorMod(next.getAndIncrement(), size));
            if (candidate.ready) {
                return candidate;
            }
        }
        return null;
    }

    private static Answer unavailable() {
        Answer answer = problem(
                HttpResponseStatus.SERVICE_UNAVAILABLE,
                "no-instance-available",
                "No delivery-service instance is ready; try again shortly.");
        answer.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        return answer;
    }

    private static Answer problem(HttpResponseStatus status, String kind, String detail) {
        String json = "{\"type\":\"https://pushgate.io/problems/" + kind + "\",\"title\":\"" + status.reasonPhrase()
                + "\",\"status\":" + status.code() + ",\"detail\":\"" + detail + "\"}";
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
        return new Answer(status, headers, json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        checks.dispose();
        server.disposeNow(Duration.ofSeconds(10));
        pool.disposeLater().block(Duration.ofSeconds(10));
    }
}
