package io.pushgate.portal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The status page tells which backend services are ready and whether they reach their database,
 * from their real health answers.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + WebPortalApplication.CONFIG_NAME)
class WebPortalIntegrationTests {

    /**
     * A tenant-service stand-in that is ready, with its database's health as the test sets it;
     * delivery-service is pointed at a port nobody listens on.
     */
    private static final HttpServer TENANT_SERVICE = readyServer();

    private static volatile String tenantDatabase = "UP";

    @LocalServerPort
    int port;

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

    @Test
    void showsEachServicesReadinessAndDatabase() {
        tenantDatabase = "UP";

        assertThat(statusPage())
                .contains("Some services are not ready yet.")
                .containsPattern(
                        "tenant-service</td>\\s*<td>.*</td>\\s*<td class=\"UP\">UP</td>\\s*<td class=\"UP\">UP</td>")
                .containsPattern(
                        "delivery-service</td>\\s*<td>.*</td>\\s*<td class=\"down\">UNREACHABLE</td>\\s*<td class=\"down\">UNKNOWN</td>");
    }

    @Test
    void aReadyServiceWithoutItsDatabaseIsNotCalledHealthy() {
        tenantDatabase = "DOWN"; // ready on purpose: it answers 503 + Retry-After instead of leaving its balancer

        assertThat(statusPage())
                .containsPattern(
                        "tenant-service</td>\\s*<td>.*</td>\\s*<td class=\"UP\">UP</td>\\s*<td class=\"down\">DOWN</td>")
                .doesNotContain("All services are ready.");
    }

    private String statusPage() {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .build()
                .get()
                .uri("/status")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    @Test
    void isLiveAndReady() {
        WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .build()
                .get()
                .uri("/actuator/health/readiness")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP");
    }

    private static HttpServer readyServer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/actuator/health/readiness", exchange -> {
                byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.createContext("/actuator/health", exchange -> {
                String database = tenantDatabase;
                byte[] body = ("{\"status\":\"" + database + "\",\"components\":{\"r2dbc\":{\"status\":\"" + database
                                + "\"},\"ping\":{\"status\":\"UP\"}}}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders("UP".equals(database) ? 200 : 503, body.length);
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
