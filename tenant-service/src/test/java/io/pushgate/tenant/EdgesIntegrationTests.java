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

    /** With the JDK client: the server closes the connection, which must not reach the shared WebTestClient pool. */
    @Test
    void anOversizedBodyIs413() {
        Api.Tenant tenant = api.tenant();
        RawHttp http = new RawHttp(port);
        String huge = "x".repeat(70 * 1024);
        RawHttp.Answer answer = http.send(
                "POST",
                "/v1/credentials",
                tenant.token(),
                Map.of("type", "fcm", "name", "big", "serviceAccountJson", huge));
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.json().get("type").asString()).isEqualTo("https://pushgate.io/problems/payload-too-large");
        assertThat(http.send("POST", "/v1/signup", null, Map.of("tenantName", huge, "email", "x@y.z", "password", huge))
                        .status())
                .isEqualTo(413);
        RawHttp.Answer form =
                http.send("POST", "/oauth2/token", null, "application/x-www-form-urlencoded", "grant_type=" + huge);
        assertThat(form.status()).isEqualTo(413);
        // the service goes on answering
        api.get(tenant.token(), "/v1/configurations").expectStatus().isOk();
    }

    @Test
    void theApiIsDescribedByOpenApiAndSwaggerUi() {
        JsonNode openApi = Api.json(api.get(null, "/v3/api-docs"), 200);
        assertThat(openApi.get("paths").has("/v1/configurations")).isTrue();
        assertThat(openApi.get("paths").has("/v1/signup")).isTrue();
        assertThat(openApi.get("components")
                        .get("securitySchemes")
                        .get("platformToken")
                        .get("scheme")
                        .asString())
                .isEqualTo("bearer");
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
