package io.pushgate.portal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * The address the portal sends to tenant-service as {@code X-Forwarded-For} on a sign-in, which
 * tenant-service's per-address sign-in limit counts: from a peer in {@code pushgate.trusted-proxies}
 * (loopback by default) the right-most untrusted hop of the browser's {@code X-Forwarded-For}, so a
 * left-most entry the client wrote itself is not it; from any other peer the peer itself. The test
 * connects from loopback; a tenant-service stand-in records the header of each {@code
 * /v1/auth/login} and refuses the credentials.
 */
class ClientAddressIntegrationTests {

    private static final BlockingQueue<String> SENT = new LinkedBlockingQueue<>();

    private static final HttpServer TENANT_SERVICE = tenantService();

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) throws IOException {
        registry.add(
                "pushgate.portal.tenant-service-url",
                () -> "http://127.0.0.1:" + TENANT_SERVICE.getAddress().getPort());
        int nobody;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = socket.getLocalPort();
        }
        registry.add("pushgate.portal.delivery-service-url", () -> "http://127.0.0.1:" + nobody);
    }

    @AfterAll
    static void stop() {
        TENANT_SERVICE.stop(0);
    }

    @BeforeEach
    void forget() {
        SENT.clear();
    }

    @Nested
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "spring.config.name=" + WebPortalApplication.CONFIG_NAME)
    class FromALoopbackProxyByDefault {

        @LocalServerPort
        int port;

        @Test
        void theForwardedAddressIsSentToTenantService() {
            signIn(port, headers -> headers.set("X-Forwarded-For", "203.0.113.7"));

            assertThat(sent()).isEqualTo("203.0.113.7");
        }

        /** A proxy appends the peer it sees; whatever the client wrote stays to its left. */
        @Test
        void aLeftMostEntryTheClientChoseIsNotSent() {
            signIn(port, headers -> {
                headers.add("X-Forwarded-For", "198.51.100.66, 10.9.9.9");
                headers.add("X-Forwarded-For", "203.0.113.7");
                headers.set("Forwarded", "for=198.51.100.77");
            });

            assertThat(sent()).isEqualTo("203.0.113.7");
        }

        @Test
        void withoutTheHeaderThePeerIsSent() {
            signIn(port, headers -> headers.set("Forwarded", "for=198.51.100.77"));

            assertThat(sent()).isEqualTo("127.0.0.1");
        }
    }

    @Nested
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {
                "spring.config.name=" + WebPortalApplication.CONFIG_NAME,
                // a range this test never connects from: loopback is an untrusted peer
                "pushgate.trusted-proxies=10.0.0.0/8"
            })
    class FromAnUntrustedPeer {

        @LocalServerPort
        int port;

        @Test
        void theHeaderIsIgnoredAndThePeerIsSent() {
            signIn(port, headers -> headers.set("X-Forwarded-For", "203.0.113.7"));

            assertThat(sent()).isEqualTo("127.0.0.1");
        }
    }

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    /** A sign-in as a browser makes it: the form's page (session cookie, CSRF token), then its POST. */
    static void signIn(int port, Consumer<HttpHeaders> forwarded) {
        WebTestClient client = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
        var page = client.get()
                .uri("/sign-in")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult();
        String cookie =
                page.getResponseHeaders().getFirst(HttpHeaders.SET_COOKIE).split(";", 2)[0];
        Matcher token = CSRF.matcher(page.getResponseBody());
        assertThat(token.find()).as("the sign-in form's CSRF token").isTrue();

        client.post()
                .uri("/sign-in")
                .header(HttpHeaders.COOKIE, cookie)
                .headers(forwarded)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("_csrf", token.group(1))
                        .with("email", "owner@example.test")
                        .with("password", "not-the-password"))
                .exchange()
                .expectStatus()
                .isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT); // the form again, the credentials refused
    }

    /** The X-Forwarded-For of the one login tenant-service got ("-" without one). */
    static String sent() {
        try {
            String header = SENT.poll(10, TimeUnit.SECONDS);
            assertThat(header).as("a login reached tenant-service").isNotNull();
            assertThat(SENT).as("one login").isEmpty();
            return header;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer tenantService() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/v1/auth/login", exchange -> {
                var values = exchange.getRequestHeaders().get("X-Forwarded-For");
                SENT.add(values == null ? "-" : String.join(" | ", values));
                exchange.getRequestBody().readAllBytes();
                byte[] body =
                        ("{\"type\":\"https://pushgate.io/problems/invalid-credentials\",\"title\":\"Unauthorized\","
                                        + "\"status\":401,\"detail\":\"The e-mail or password is wrong.\"}")
                                .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
                exchange.sendResponseHeaders(401, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
