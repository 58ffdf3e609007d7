package io.pushgate.standalone;

import io.pushgate.testkit.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The whole platform as {@code ./pushgate up} starts it — tenant-service, delivery-service,
 * web-portal and the sandbox FCM emulator in this JVM — on free ports and this run's test database,
 * for tests that drive the portal like a person; with small helpers that call the services' APIs
 * directly (setting up what a test is not about).
 */
final class PortalPlatform implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    final Platform platform;
    final int tenantPort;
    final int deliveryPort;
    final int portalPort;
    final Path home;
    /** The database the platform runs on (its own, fresh). */
    final TestDatabase database;

    private PortalPlatform(
            Platform platform, int tenantPort, int deliveryPort, int portalPort, Path home, TestDatabase database) {
        this.platform = platform;
        this.tenantPort = tenantPort;
        this.deliveryPort = deliveryPort;
        this.portalPort = portalPort;
        this.home = home;
        this.database = database;
    }

    /**
     * Starts it with the portal's session cookie {@code Secure} (as in production: Chromium keeps
     * such cookies for http://localhost) and {@code extraArguments} per service name.
     */
    static PortalPlatform start(Map<String, List<String>> extraArguments) throws IOException {
        TestDatabase database = TestDatabase.fresh(); // this platform's keyset is its own
        Path home = Files.createTempDirectory("pushgate-portal-test");
        int tenant = freePort();
        int delivery = freePort();
        int portal = freePort();
        Map<String, String> environment = new HashMap<>();
        environment.put("PUSHGATE_HOME", home.toString());
        environment.put("PUSHGATE_TENANT_PORT", Integer.toString(tenant));
        environment.put("PUSHGATE_DELIVERY_PORT", Integer.toString(delivery));
        environment.put("PUSHGATE_PORTAL_PORT", Integer.toString(portal));
        environment.put("PUSHGATE_DB_URL", database.url());
        environment.put("PUSHGATE_DB_USER", database.user());
        environment.put("PUSHGATE_DB_PASSWORD", database.password());
        environment.put("PUSHGATE_PORTAL_SESSION_COOKIE_SECURE", "true");
        // every test of a class signs up its tenants from 127.0.0.1: more than one address's default allowance
        Map<String, List<String>> arguments = new HashMap<>(extraArguments);
        List<String> tenantArguments = new ArrayList<>(arguments.getOrDefault("tenant-service", List.of()));
        tenantArguments.add("--pushgate.sign-up.max-per-address=1000");
        arguments.put("tenant-service", tenantArguments);
        Platform platform = new Platform(LauncherSettings.from(environment), arguments);
        platform.start();
        return new PortalPlatform(platform, tenant, delivery, portal, home, database);
    }

    String portal(String path) {
        return "http://localhost:" + portalPort + path;
    }

    String tenantService(String path) {
        return "http://localhost:" + tenantPort + path;
    }

    String sandboxUrl() {
        return platform.sandboxUrl();
    }

    /** A new tenant through tenant-service's API: its owner's e-mail and password. */
    record Account(String email, String password) {}

    Account signUp() throws Exception {
        String email = "owner-" + UUID.randomUUID() + "@example.test";
        String password = "correct horse battery staple";
        send(
                "POST",
                tenantService("/v1/signup"),
                null,
                "{\"tenantName\":\"Tenant " + email + "\",\"email\":\"" + email + "\",\"password\":\"" + password
                        + "\"}",
                201);
        return new Account(email, password);
    }

    /** An owner's access token. */
    String login(Account account) throws Exception {
        return field(
                send(
                        "POST",
                        tenantService("/v1/auth/login"),
                        null,
                        "{\"email\":\"" + account.email() + "\",\"password\":\"" + account.password() + "\"}",
                        200),
                "access_token");
    }

    /** Another member of {@code owner}'s tenant, with {@code role}. */
    Account addMember(Account owner, String role) throws Exception {
        Account member = new Account(role + "-" + UUID.randomUUID() + "@example.test", "another long password");
        send(
                "POST",
                tenantService("/v1/members"),
                login(owner),
                "{\"email\":\"" + member.email() + "\",\"password\":\"" + member.password() + "\",\"role\":\"" + role
                        + "\"}",
                201);
        return member;
    }

    /** Sends a JSON request and checks its status; answers the body. */
    static String send(String method, String uri, String bearer, String json, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != expected) {
            throw new AssertionError(method + " " + uri + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    /** The string value of {@code name} in a flat JSON answer. */
    static String field(String json, String name) {
        var matcher = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!matcher.find()) {
            throw new AssertionError("no " + name + " in " + json);
        }
        return matcher.group(1);
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        platform.close();
    }
}
