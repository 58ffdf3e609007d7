package io.pushgate.tenant;

import io.pushgate.testkit.TestHttp;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of tenant-service over real HTTP (a {@link ControlPlaneTest} has one to
 * {@code @Autowired}), with small factories for tenants, their tokens and the resources every test
 * needs: each factory expects the answer that creates the resource, so a test fails where it was
 * set up wrongly.
 */
public final class Api {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public final WebTestClient http;
    private final int port;

    public Api(int port) {
        this.port = port;
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

    /** The port tenant-service listens on, for clients other than {@link #http}. */
    public int port() {
        return port;
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

    /** POSTs {@code body} to {@code path}: the created resource, answered 201. */
    public JsonNode created(String token, String path, Object body) {
        return json(post(token, path, body), 201);
    }

    /** A new configuration's id. */
    public String configuration(String token, String name) {
        return id(created(token, "/v1/configurations", Map.of("name", name)));
    }

    /** A new sandbox credential's id. */
    public String sandboxCredential(String token, String name) {
        return id(created(token, "/v1/credentials", Map.of("type", "sandbox", "name", name)));
    }

    /** A new app client: {@code clientId}, {@code clientSecret} and {@code name}. */
    public JsonNode appClient(String token, String name) {
        return created(token, "/v1/app-clients", Map.of("name", name));
    }

    /** A new trusted issuer's id. */
    public String trustedIssuer(String token, String issuer, String jwksUri, String audience) {
        return id(created(
                token, "/v1/trusted-issuers", Map.of("issuer", issuer, "jwksUri", jwksUri, "audience", audience)));
    }

    /** A new member's id. */
    public String member(String token, String email, String password, String role) {
        return id(created(token, "/v1/members", Map.of("email", email, "password", password, "role", role)));
    }

    /** The token endpoint's answer to {@code client}'s client_credentials request (Basic authentication). */
    public WebTestClient.ResponseSpec clientCredentials(JsonNode client) {
        return http.post()
                .uri("/oauth2/token")
                .headers(headers -> headers.setBasicAuth(
                        client.get("clientId").asString(),
                        client.get("clientSecret").asString(),
                        java.nio.charset.StandardCharsets.UTF_8))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("grant_type=client_credentials")
                .exchange();
    }

    public WebTestClient.ResponseSpec post(String token, String path, Object body) {
        return withBody(HttpMethod.POST, token, path, body);
    }

    public WebTestClient.ResponseSpec postEmpty(String token, String path) {
        return http.post().uri(path).headers(headers -> bearer(headers, token)).exchange();
    }

    public WebTestClient.ResponseSpec patch(String token, String path, Object body) {
        return withBody(HttpMethod.PATCH, token, path, body);
    }

    public WebTestClient.ResponseSpec put(String token, String path, Object body) {
        return withBody(HttpMethod.PUT, token, path, body);
    }

    /** {@code body} as JSON, with the bearer token when there is one. */
    private WebTestClient.ResponseSpec withBody(HttpMethod method, String token, String path, Object body) {
        return http.method(method)
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

    private static String id(JsonNode resource) {
        return resource.get("id").asString();
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
