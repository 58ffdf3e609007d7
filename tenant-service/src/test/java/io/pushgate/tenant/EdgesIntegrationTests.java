package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/** Oversized bodies, the OpenAPI document and Swagger UI. */
@ControlPlaneTest
class EdgesIntegrationTests {

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @Test
    void anOversizedBodyIs413() {
        Api.Tenant tenant = api.tenant();
        String huge = "x".repeat(70 * 1024);
        JsonNode problem = Api.json(
                api.post(
                        tenant.token(),
                        "/v1/credentials",
                        Map.of("type", "fcm", "name", "big", "serviceAccountJson", huge)),
                413);
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/payload-too-large");
        api.post(null, "/v1/signup", Map.of("tenantName", huge, "email", "x@y.z", "password", huge))
                .expectStatus()
                .isEqualTo(413);
    }

    @Test
    void theApiIsDescribedByOpenApiAndSwaggerUi() {
        JsonNode openApi = Api.json(api.get(null, "/v3/api-docs"), 200);
        assertThat(openApi.get("paths").has("/v1/configurations")).isTrue();
        assertThat(openApi.get("paths").has("/v1/signup")).isTrue();
        api.http
                .get()
                .uri("/docs")
                .exchange()
                .expectStatus()
                .value(status -> assertThat(status).isIn(200, 302));
        api.http
                .get()
                .uri("/swagger-ui/index.html")
                .accept(MediaType.TEXT_HTML)
                .exchange()
                .expectStatus()
                .isOk();
    }
}
