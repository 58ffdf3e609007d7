package io.pushgate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** Asserts what a running service's health endpoints say, over real HTTP. */
public final class ServiceProbes {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // Reactor Netty does not answer an h2c upgrade
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private ServiceProbes() {}

    /** {@code /actuator/health}, its liveness and its readiness group all answer 200 and UP. */
    public static void assertLiveAndReady(int port) {
        for (String probe :
                new String[] {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"}) {
            HttpResponse<String> response = get(URI.create("http://localhost:" + port + probe));
            assertEquals(200, response.statusCode(), probe + " answered " + response.body());
            assertTrue(response.body().contains("\"status\":\"UP\""), probe + " answered " + response.body());
        }
    }

    /** A GET with a generous time-out (a first request may meet a cold JVM on a busy machine). */
    public static HttpResponse<String> get(URI uri) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            dumpChildJvms();
            dumpPoolMeters(uri);
            retryOnANewConnection(uri);
            dumpSockets(uri.getPort());
            throw new AssertionError("GET " + uri + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new AssertionError("GET " + uri + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during GET " + uri, e);
        }
    }

    /** Which processes listen on, and hold connections to, {@code port} ({@code ss}, where there is one). */
    private static void dumpSockets(int port) {
        try {
            Process ss = new ProcessBuilder("ss", "-tanp", "( sport = :" + port + " or dport = :" + port + " )")
                    .redirectErrorStream(true)
                    .start();
            String sockets = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            System.err.println("Sockets on port " + port + " when a request to it timed out:\n" + sockets);
        } catch (IOException e) {
            System.err.println("No socket list for port " + port + ": " + e.getMessage());
        }
    }

    /**
     * The same request once more, on a connection of its own: an answer now means the stall was the
     * connection's (the kept-alive one the first request went on), not the service's.
     */
    private static void retryOnANewConnection(URI stalled) {
        try (var fresh = new Socket()) {
            fresh.connect(new InetSocketAddress(stalled.getHost(), stalled.getPort()), 5_000);
            fresh.setSoTimeout(10_000);
            fresh.getOutputStream()
                    .write(("GET " + stalled.getRawPath() + " HTTP/1.1\r\nHost: " + stalled.getHost() + ":"
                                    + stalled.getPort() + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            byte[] answer = fresh.getInputStream().readNBytes(400);
            System.err.println("The same request on a new connection answered:\n"
                    + new String(answer, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            System.err.println("The same request on a new connection failed too: " + e);
        }
    }

    /**
     * What the stalled service's connection pools say (acquired, idle, pending connections), from
     * its Prometheus endpoint, which needs no database: a pool with every connection acquired and
     * callers pending points at a connection that is never given back.
     */
    private static void dumpPoolMeters(URI stalled) {
        URI meters = stalled.resolve("/actuator/prometheus");
        try {
            HttpResponse<String> answer = HTTP.send(
                    HttpRequest.newBuilder(meters)
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            StringBuilder pools = new StringBuilder();
            answer.body()
                    .lines()
                    .filter(line -> line.startsWith("r2dbc_pool") || line.startsWith("http_server_requests_active"))
                    .forEach(line -> pools.append(line).append('\n'));
            System.err.println("Pool meters of " + meters + " when a request to it timed out (" + answer.statusCode()
                    + "):\n"
                    + (pools.isEmpty()
                            ? answer.body()
                                    .substring(0, Math.min(600, answer.body().length()))
                            : pools));
        } catch (IOException e) {
            System.err.println("No pool meters from " + meters + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A service that does not answer at all has stalled: the threads of every JVM this test started
     * (the launcher, when it runs the packaged platform) go to stderr, to show where it stalled.
     */
    private static void dumpChildJvms() {
        String jcmd = ProcessHandle.current()
                .info()
                .command()
                .map(java -> Path.of(java).resolveSibling("jcmd").toString())
                .orElse("jcmd");
        ProcessHandle.current()
                .descendants()
                .filter(child -> child.info().command().orElse("").endsWith("java"))
                .forEach(child -> {
                    try {
                        Process dump = new ProcessBuilder(jcmd, Long.toString(child.pid()), "Thread.print")
                                .redirectErrorStream(true)
                                .start();
                        String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                        System.err.println(
                                "Threads of JVM " + child.pid() + " when a request to it timed out:\n" + threads);
                    } catch (IOException e) {
                        System.err.println("No thread dump of JVM " + child.pid() + ": " + e.getMessage());
                    }
                });
    }
}
