package io.pushgate.drills;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tenants made through the public APIs, as a customer makes one: sign up, sign in, a credential (the
 * sandbox, or an APNs key), a configuration whose default credential for the platform is it, an app
 * client and its {@code registrations} token; devices registered at delivery-service.
 */
final class DrillTenants {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** An APNs token credential: the .p8 PEM, its key and team ids, the app's topic. */
    record ApnsKey(String p8Key, String keyId, String teamId, String topic) {}

    /** A tenant ready to receive callbacks and register devices. */
    record Tenant(
            String name,
            UUID configurationId,
            String callbackPath,
            String secret,
            String appToken,
            String axpConfigurationId) {}

    private final URI tenantService;
    private final URI deliveryService;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    DrillTenants(URI tenantService, URI deliveryService) {
        this.tenantService = tenantService;
        this.deliveryService = deliveryService;
    }

    /** A tenant whose Android pushes go to the sandbox (the platform's FCM emulator, a project of its own). */
    Tenant withSandbox(String name) throws IOException, InterruptedException {
        return create(name, Map.of("type", "sandbox", "name", name + " sandbox"), "android");
    }

    /** A tenant whose iOS pushes go through APNs with {@code key}. */
    Tenant withApns(String name, ApnsKey key) throws IOException, InterruptedException {
        Map<String, String> credential = new LinkedHashMap<>();
        credential.put("type", "apns");
        credential.put("name", name + " APNs");
        credential.put("p8Key", key.p8Key());
        credential.put("keyId", key.keyId());
        credential.put("teamId", key.teamId());
        credential.put("topic", key.topic());
        credential.put("environment", "sandbox");
        return create(name, credential, "ios");
    }

    private Tenant create(String name, Map<String, String> credentialRequest, String platform)
            throws IOException, InterruptedException {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String email = "drill-" + suffix + "@example.test";
        String password = "drill password " + UUID.randomUUID();
        call(
                "POST",
                tenantService.resolve("/v1/signup"),
                null,
                Map.of("tenantName", name + " " + suffix, "email", email, "password", password),
                201);
        String token = call(
                        "POST",
                        tenantService.resolve("/v1/auth/login"),
                        null,
                        Map.of("email", email, "password", password),
                        200)
                .get("access_token")
                .asString();
        JsonNode credential = call("POST", tenantService.resolve("/v1/credentials"), token, credentialRequest, 201);
        String axpConfigurationId = "drill-" + UUID.randomUUID();
        JsonNode configuration = call(
                "POST",
                tenantService.resolve("/v1/configurations"),
                token,
                Map.of("name", name, "axpConfigurationId", axpConfigurationId),
                201);
        String configurationId = configuration.get("id").asString();
        call(
                "PATCH",
                tenantService.resolve("/v1/configurations/" + configurationId),
                token,
                Map.of(
                        "defaultCredentials",
                        Map.of(platform, credential.get("id").asString())),
                200);
        JsonNode client =
                call("POST", tenantService.resolve("/v1/app-clients"), token, Map.of("name", name + " app"), 201);
        return new Tenant(
                name,
                UUID.fromString(configurationId),
                URI.create(configuration.get("callbackUrl").asString()).getPath(),
                configuration.get("secret").asString(),
                clientToken(
                        client.get("clientId").asString(),
                        client.get("clientSecret").asString()),
                axpConfigurationId);
    }

    /** Registers {@code deviceToken} for {@code sessionId} ({@code fcm}/android or {@code apns}/ios). */
    void register(Tenant tenant, String deviceToken, String sessionId, boolean apns)
            throws IOException, InterruptedException {
        // a new tenant's first registration makes delivery-service fetch tenant-service's JWKS: on a
        // machine this busy that fetch may time out once (401); the drill is not about that, so again
        for (int attempt = 1; attempt < 5; attempt++) {
            try {
                register(tenant, deviceToken, sessionId, apns, 200);
                return;
            } catch (IllegalStateException e) {
                Thread.sleep(2_000L * attempt);
            }
        }
        register(tenant, deviceToken, sessionId, apns, 200);
    }

    private void register(Tenant tenant, String deviceToken, String sessionId, boolean apns, int expected)
            throws IOException, InterruptedException {
        call(
                "PUT",
                deliveryService.resolve("/v1/device-registrations/" + deviceToken),
                tenant.appToken(),
                Map.of(
                        "configId",
                        tenant.axpConfigurationId(),
                        "sessionId",
                        sessionId,
                        "platform",
                        apns ? "ios" : "android",
                        "provider",
                        apns ? "apns" : "fcm"),
                200);
    }

    private String clientToken(String clientId, String clientSecret) throws IOException, InterruptedException {
        String basic =
                Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(tenantService.resolve("/oauth2/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=registrations"))
                .build();
        return answer(request, 200).get("access_token").asString();
    }

    private JsonNode call(String method, URI uri, String token, Map<String, ?> body, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return answer(request.build(), expected);
    }

    private JsonNode answer(HttpRequest request, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            // the path only: a device token in it is shown by its first characters
            String path = request.uri().getPath();
            throw new IllegalStateException(request.method() + " " + path.substring(0, Math.min(path.length(), 40))
                    + " answered " + response.statusCode() + " (expected " + expected + "): " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
