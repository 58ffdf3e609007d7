package io.pushgate.delivery.warmup;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A loopback server that answers FCM HTTP v1's send ({@code POST /v1/projects/{project}/messages:send})
 * as FCM answers an accepted message, for the warm-up's sends through firebase-admin: bound to
 * 127.0.0.1 on a free port, for one made-up project and one random bearer token, started for the
 * warm-up and closed after it. It keeps nothing but a count.
 */
final class FcmStandIn implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String projectId = "pushgate-warmup";
    private final String accessToken = random();
    private final String sendPath = "/v1/projects/" + projectId + "/messages:send";
    private final AtomicLong sends = new AtomicLong();
    private final DisposableServer server;

    private FcmStandIn() {
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle(this::answer)
                .bindNow();
    }

    static FcmStandIn start() {
        return new FcmStandIn();
    }

    /** Where firebase-admin is sent instead of FCM. */
    URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    String projectId() {
        return projectId;
    }

    /** The bearer token it accepts, and no other. */
    String accessToken() {
        return accessToken;
    }

    /** How many sends it accepted. */
    long sends() {
        return sends.get();
    }

    private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response) {
        // the body is read whole (as FCM would) before the answer
        return request.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            if (!HttpMethod.POST.equals(request.method()) || !sendPath.equals(request.uri())) {
                return error(response, HttpResponseStatus.NOT_FOUND, "NOT_FOUND");
            }
            if (!("Bearer " + accessToken).equals(request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION))) {
                return error(response, HttpResponseStatus.UNAUTHORIZED, "UNAUTHENTICATED");
            }
            long n = sends.incrementAndGet();
            return response.status(HttpResponseStatus.OK)
                    .header(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8")
                    .sendString(Mono.just("{\"name\":\"projects/" + projectId + "/messages/warmup-" + n + "\"}"))
                    .then();
        });
    }

    private static Mono<Void> error(HttpServerResponse response, HttpResponseStatus status, String code) {
        return response.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8")
                .sendString(Mono.just("{\"error\":{\"code\":" + status.code() + ",\"message\":\"warm-up stand-in\","
                        + "\"status\":\"" + code + "\"}}"))
                .then();
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
