package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** The round-robin front of the multi-process launcher, in front of small real HTTP servers. */
class FrontIntegrationTests {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable part : started) {
            part.close();
        }
    }

    @Test
    void spreadsRequestsOverTheReadyInstancesWithTheirBodiesAndAnswers() throws Exception {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        Front front = front(instance("one", first, true), instance("two", second, true));
        awaitReady(front);

        for (int i = 0; i < 10; i++) {
            HttpResponse<String> answer = post(front, "{\"n\":" + i + "}");
            assertThat(answer.statusCode()).isEqualTo(202);
            assertThat(answer.body()).endsWith("{\"n\":" + i + "}");
            assertThat(answer.headers().firstValue("X-Seen-Forwarded-For")).hasValue("127.0.0.1");
        }
        assertThat(first.get()).isEqualTo(5);
        assertThat(second.get()).isEqualTo(5);
    }

    @Test
    void leavesOutAnInstanceThatIsNotReady() throws Exception {
        AtomicInteger ready = new AtomicInteger();
        AtomicInteger notReady = new AtomicInteger();
        Front front = front(instance("ready", ready, true), instance("starting", notReady, false));
        awaitReady(front);

        for (int i = 0; i < 6; i++) {
            assertThat(post(front, "{}").statusCode()).isEqualTo(202);
        }
        assertThat(notReady.get()).isZero();
        assertThat(ready.get()).isEqualTo(6);
    }

    @Test
    void sendsARequestThatMeetsADeadInstanceToTheNextOne() throws Exception {
        AtomicInteger alive = new AtomicInteger();
        AtomicInteger dying = new AtomicInteger();
        DisposableServer dead = server("dead", dying, true);
        Front.Backend deadBackend = new Front.Backend("dead", URI.create("http://127.0.0.1:" + dead.port()));
        Front front = front(instance("alive", alive, true), deadBackend);
        awaitReady(front);
        while (!deadBackend.ready) {
            Thread.sleep(50);
        }
        // kill -9 as the front sees it: the port refuses before the next health check notices
        dead.disposeNow();

        for (int i = 0; i < 6; i++) {
            assertThat(post(front, "{}").statusCode()).as("request " + i).isEqualTo(202);
        }
        assertThat(alive.get()).isEqualTo(6);
    }

    @Test
    void answers503WithRetryAfterWhenNoInstanceIsReady() throws Exception {
        Front front = front(new Front.Backend("gone", URI.create("http://127.0.0.1:" + freePort())));
        Thread.sleep(Front.HEALTH_INTERVAL.toMillis() * 2);

        HttpResponse<String> answer = post(front, "{}");

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(answer.body()).contains("https://pushgate.io/problems/no-instance-available");
    }

    private Front front(Front.Backend... backends) throws Exception {
        Front front = Front.start(freePort(), List.of(backends));
        started.add(front);
        return front;
    }

    private Front.Backend instance(String name, AtomicInteger hits, boolean ready) {
        DisposableServer server = server(name, hits, ready);
        started.add(server::disposeNow);
        return new Front.Backend(name, URI.create("http://127.0.0.1:" + server.port()));
    }

    /** Readiness 200 or 503; every other request answers 202 with the instance's name and the body it got. */
    private static DisposableServer server(String name, AtomicInteger hits, boolean ready) {
        return HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .route(routes -> routes.get(
                                "/actuator/health/readiness",
                                (request, response) ->
                                        response.status(ready ? 200 : 503).sendString(Mono.just("{}")))
                        .post(
                                "/axp/callbacks/key",
                                (request, response) -> request.receive()
                                        .aggregate()
                                        .asString()
                                        .defaultIfEmpty("")
                                        .flatMap(body -> {
                                            hits.incrementAndGet();
                                            return response.status(202)
                                                    .header(
                                                            "X-Seen-Forwarded-For",
                                                            String.valueOf(request.requestHeaders()
                                                                    .get("X-Forwarded-For")))
                                                    .sendString(Mono.just(name + ":" + body))
                                                    .then();
                                        })))
                .bindNow();
    }

    private static void awaitReady(Front front) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!front.anyReady() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(front.anyReady()).isTrue();
    }

    private static HttpResponse<String> post(Front front, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port() + "/axp/callbacks/key"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .header("X-Forwarded-For", "6.6.6.6")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
