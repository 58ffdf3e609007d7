package io.pushgate.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes a tenant of its own through tenant-service's API, as a new customer would: sign up, sign
 * in, create an AXP configuration. The callback URL and the secret come from that answer.
 */
final class ControlPlaneSetup {

    /** Where and how to send the callbacks. */
    record Target(URI callbackUrl, String secret) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI tenantService;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    ControlPlaneSetup(URI tenantService) {
        this.tenantService = tenantService;
    }

    Target newTenantWithConfiguration() throws IOException, InterruptedException {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String email = "bench-" + suffix + "@example.test";
        String password = "bench password " + UUID.randomUUID();
        post("/v1/signup", null, Map.of("tenantName", "Bench " + suffix, "email", email, "password", password), 201);
        String token = post("/v1/auth/login", null, Map.of("email", email, "password", password), 200)
                .get("access_token")
                .asString();
        JsonNode configuration = post("/v1/configurations", token, Map.of("name", "Bench " + suffix), 201);
        return new Target(
                URI.create(configuration.get("callbackUrl").asString()),
                configuration.get("secret").asString());
    }

    private JsonNode post(String path, String token, Map<String, String> body, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(tenantService.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException("tenant-service answered " + response.statusCode() + " to POST " + path
                    + " (expected " + expected + "): " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
