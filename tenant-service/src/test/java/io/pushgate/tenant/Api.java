package io.pushgate.tenant;

import io.pushgate.testkit.TestHttp;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A client of tenant-service over real HTTP, with small factories for tenants and their tokens. */
public final class Api {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public final WebTestClient http;

    public Api(int port) {
        this.http = WebTestClient.bindToServer(TestHttp.unpooled())
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** A signed-up tenant and its owner's token. */
    public record Tenant(UUID tenantId, UUID memberId, String email, String password, String token) {}

    public static String uniqueEmail() {
        return "owner-" + UUID.randomUUID() + "@example.test";
    }

    /** Signs up a new tenant and signs its owner in. */
    public Tenant tenant() {
        String email = uniqueEmail();
        String password = "correct horse battery staple";
        JsonNode signedUp = post(
                        null,
                        "/v1/signup",
                        Map.of("tenantName", "Tenant " + email, "email", email, "password", password))
                .expectStatus()
                .isCreated()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        return new Tenant(
                UUID.fromString(signedUp.get("tenantId").asString()),
                UUID.fromString(signedUp.get("memberId").asString()),
                email,
                password,
                login(email, password));
    }

    public String login(String email, String password) {
        return post(null, "/v1/auth/login", Map.of("email", email, "password", password))
                .expectStatus()
                .isOk()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody()
                .get("access_token")
                .asString();
    }

    public WebTestClient.ResponseSpec post(String token, String path, Object body) {
        return http.post()
                .uri(path)
                .headers(headers -> bearer(headers, token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    public WebTestClient.ResponseSpec postEmpty(String token, String path) {
        return http.post().uri(path).headers(headers -> bearer(headers, token)).exchange();
    }

    public WebTestClient.ResponseSpec patch(String token, String path, Object body) {
        return http.patch()
                .uri(path)
                .headers(headers -> bearer(headers, token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    public WebTestClient.ResponseSpec put(String token, String path, Object body) {
        return http.put()
                .uri(path)
                .headers(headers -> bearer(headers, token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    public WebTestClient.ResponseSpec get(String token, String path) {
        return http.get().uri(path).headers(headers -> bearer(headers, token)).exchange();
    }

    public WebTestClient.ResponseSpec delete(String token, String path) {
        return http.delete()
                .uri(path)
                .headers(headers -> bearer(headers, token))
                .exchange();
    }

    /** The JSON body of an answer with {@code status}. */
    public static JsonNode json(WebTestClient.ResponseSpec response, int status) {
        return response.expectStatus()
                .isEqualTo(status)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
    }

    /** The raw body text of an answer with {@code status}. */
    public static String text(WebTestClient.ResponseSpec response, int status) {
        byte[] body = response.expectStatus()
                .isEqualTo(status)
                .expectBody()
                .returnResult()
                .getResponseBody();
        return body == null ? "" : new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }

    public static JsonNode parse(String json) {
        return JSON.readTree(json);
    }

    private static void bearer(HttpHeaders headers, String token) {
        if (token != null) {
            headers.setBearerAuth(token);
        }
    }
}
