package io.pushgate.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes a tenant of its own through the public APIs, as a new customer would: sign up, sign in,
 * create an AXP configuration — and, for a delivery check, a sandbox credential as its Android
 * default, an app client, and one registered device per session at delivery-service. The callback
 * URL and the secret come from tenant-service's answer.
 */
final class ControlPlaneSetup {

    /** Where and how to send the callbacks; {@code sessionIds} are registered devices' sessions, if any. */
    record Target(URI callbackUrl, String secret, List<String> sessionIds) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int REGISTERING_THREADS = 16;

    private final URI tenantService;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    ControlPlaneSetup(URI tenantService) {
        this.tenantService = tenantService;
    }

    Target newTenantWithConfiguration() throws IOException, InterruptedException {
        Tenant tenant = signUp();
        JsonNode configuration = send(
                "POST", tenantService.resolve("/v1/configurations"), tenant.token, Map.of("name", tenant.name), 201);
        return new Target(
                URI.create(configuration.get("callbackUrl").asString()),
                configuration.get("secret").asString(),
                List.of());
    }

    /**
     * A configuration whose Android pushes go to the sandbox (the FCM emulator), with {@code sessions}
     * devices registered through delivery-service's registration API under an app client's token.
     */
    Target newTenantWithRegisteredDevices(int sessions) throws IOException, InterruptedException {
        App app = newTenantWithApp();
        List<String> sessionIds = new ArrayList<>(sessions);
        ExecutorService threads = Executors.newFixedThreadPool(REGISTERING_THREADS);
        try {
            List<Future<String>> registered = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                registered.add(threads.submit(() -> {
                    String sessionId = UUID.randomUUID().toString();
                    send("PUT", app.registrationUri(fcmToken()), app.token(), app.registration(sessionId), 200);
                    return sessionId;
                }));
            }
            for (Future<String> sessionId : registered) {
                sessionIds.add(sessionId.get());
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } finally {
            threads.shutdownNow();
        }
        return new Target(app.callbackUrl(), app.secret(), sessionIds);
    }

    /**
     * What an app needs to register devices: delivery-service's address, an app client's {@code
     * registrations} token, and the AXP Configuration Id of a configuration that pushes Android
     * through the sandbox.
     */
    record App(URI callbackUrl, String secret, String token, String axpConfigurationId) {

        URI registrationUri(String deviceToken) {
            return callbackUrl.resolve("/v1/device-registrations/" + deviceToken);
        }

        Map<String, String> registration(String sessionId) {
            return Map.of(
                    "configId", axpConfigurationId, "sessionId", sessionId, "platform", "android", "provider", "fcm");
        }
    }

    App newTenantWithApp() throws IOException, InterruptedException {
        Tenant tenant = signUp();
        JsonNode credential = send(
                "POST",
                tenantService.resolve("/v1/credentials"),
                tenant.token,
                Map.of("type", "sandbox", "name", "Bench sandbox"),
                201);
        String axpConfigurationId = "bench-" + UUID.randomUUID();
        JsonNode configuration = send(
                "POST",
                tenantService.resolve("/v1/configurations"),
                tenant.token,
                Map.of("name", tenant.name, "axpConfigurationId", axpConfigurationId),
                201);
        send(
                "PATCH",
                tenantService.resolve(
                        "/v1/configurations/" + configuration.get("id").asString()),
                tenant.token,
                Map.of(
                        "defaultCredentials",
                        Map.of("android", credential.get("id").asString())),
                200);
        JsonNode client =
                send("POST", tenantService.resolve("/v1/app-clients"), tenant.token, Map.of("name", "Bench app"), 201);
        return new App(
                URI.create(configuration.get("callbackUrl").asString()),
                configuration.get("secret").asString(),
                clientToken(
                        client.get("clientId").asString(),
                        client.get("clientSecret").asString()),
                axpConfigurationId);
    }

    private record Tenant(String name, String token) {}

    private Tenant signUp() throws IOException, InterruptedException {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String email = "bench-" + suffix + "@example.test";
        String password = "bench password " + UUID.randomUUID();
        String name = "Bench " + suffix;
        send(
                "POST",
                tenantService.resolve("/v1/signup"),
                null,
                Map.of("tenantName", name, "email", email, "password", password),
                201);
        String token = send(
                        "POST",
                        tenantService.resolve("/v1/auth/login"),
                        null,
                        Map.of("email", email, "password", password),
                        200)
                .get("access_token")
                .asString();
        return new Tenant(name, token);
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

    /** 152 characters of FCM's token alphabet, like a real registration token. */
    static String fcmToken() {
        byte[] bytes = new byte[114];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A path as it may be printed: a device token shows its first 8 characters only. */
    private static String shown(String path) {
        String registrations = "/v1/device-registrations/";
        return path.startsWith(registrations) && path.length() > registrations.length() + 8
                ? path.substring(0, registrations.length() + 8) + "…"
                : path;
    }

    private JsonNode send(String method, URI uri, String token, Map<String, ?> body, int expected)
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

    /** A PUT answered 503 is tried again this often, after its {@code Retry-After} (1 s without one, 10 s at most). */
    private static final int PUT_TRIES = 5;

    private JsonNode answer(HttpRequest request, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        // a PUT (a device registration) is idempotent: a 503 (the store did not answer in time, on a
        // machine busy with other work) is tried again, as an app would
        for (int tried = 1;
                response.statusCode() == 503 && request.method().equals("PUT") && tried < PUT_TRIES;
                tried++) {
            long seconds = response.headers()
                    .firstValue("Retry-After")
                    .flatMap(value -> {
                        try {
                            return java.util.Optional.of(Long.parseLong(value.strip()));
                        } catch (NumberFormatException e) {
                            return java.util.Optional.empty();
                        }
                    })
                    .orElse(1L);
            Thread.sleep(Duration.ofSeconds(Math.max(1, Math.min(10, seconds))).toMillis());
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        if (response.statusCode() != expected) {
            String service = request.uri().getAuthority().equals(tenantService.getAuthority())
                    ? "tenant-service"
                    : "delivery-service";
            throw new IllegalStateException(service + " answered " + response.statusCode() + " to "
                    + request.method() + " " + shown(request.uri().getPath()) + " (expected " + expected + "): "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }
}
