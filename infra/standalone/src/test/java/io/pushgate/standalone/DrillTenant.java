package io.pushgate.standalone;

import io.pushgate.api.Scopes;
import io.pushgate.testkit.TestIssuer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A tenant made through the platform's public APIs, as its people and apps would make it, with one
 * of each kind of resource and each kind of caller: an owner, an admin and a viewer (signed in), a
 * sandbox credential (the configuration's Android default), an AXP configuration, an app client
 * with its token, a trusted issuer with a token of its own, a device registration and a delivered
 * notification. Every name it gives contains {@link #marker}, so that its data is found wherever it
 * shows.
 */
final class DrillTenant {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The credentials its callers present: each role, an app client, a trusted issuer's token. */
    enum CallerKind {
        OWNER,
        ADMIN,
        VIEWER,
        APP_CLIENT,
        TRUSTED_ISSUER,
        NONE
    }

    final String marker;
    final UUID tenantId;
    final String ownerEmail;
    final String ownerPassword;
    final String ownerMemberId;
    final Map<CallerKind, String> tokens = new LinkedHashMap<>();
    final String refreshToken;
    final String adminMemberId;
    final String viewerMemberId;
    final String credentialId;
    final String configurationId;
    final String axpConfigurationId;
    final String secret;
    final String callbackKey;
    final String callbackUrl;
    final String clientId;
    final String clientSecret;
    final String issuerId;
    final String issuerAudience;
    final String deviceToken;
    final String sessionId;
    final String notificationId;
    /**
     * Every password, secret and token this tenant was given or made (what must never leak); its
     * device token is apart ({@link #deviceToken}): its own tenant reads it in the registration API.
     */
    final List<String> secrets = new ArrayList<>();

    DrillTenant(PortalPlatform platform, ApiCalls api, String operatorToken, TestIssuer issuer) {
        marker = "drill-" + UUID.randomUUID().toString().substring(0, 8);
        String t = "http://localhost:" + platform.tenantPort;
        String d = "http://localhost:" + platform.deliveryPort;
        ownerEmail = marker + "-owner@example.test";
        ownerPassword = "owner's passphrase " + random(12);
        var signedUp = api.json(
                        "POST",
                        t + "/v1/signup",
                        null,
                        ApiCalls.map("tenantName", "Tenant " + marker, "email", ownerEmail, "password", ownerPassword))
                .expect(201);
        tenantId = UUID.fromString(signedUp.field("tenantId"));
        ownerMemberId = signedUp.field("memberId");
        var login = signIn(api, t, ownerEmail, ownerPassword);
        String owner = login.field("access_token");
        refreshToken = login.field("refresh_token");
        tokens.put(CallerKind.OWNER, owner);
        secrets.add(ownerPassword);
        secrets.add(refreshToken);

        // a generous plan, so that a drill's thousands of calls are not refused by the tenant's limits
        api.json(
                        "PUT",
                        t + "/v1/operator/tenants/" + tenantId + "/plan",
                        operatorToken,
                        ApiCalls.map(
                                "callbacksPerSecond", 1000,
                                "callbackBurst", 1000,
                                "registrationsPerSecond", 1000,
                                "apiCallsPerSecond", 5000,
                                "deliveriesPerSecondPerCredential", 100))
                .expect(200);

        adminMemberId = member(api, t, owner, "admin", CallerKind.ADMIN);
        viewerMemberId = member(api, t, owner, "viewer", CallerKind.VIEWER);

        credentialId = api.json(
                        "POST",
                        t + "/v1/credentials",
                        owner,
                        ApiCalls.map("type", "sandbox", "name", "sandbox " + marker))
                .expect(201)
                .field("id");
        axpConfigurationId = "axp-" + marker;
        var configuration = api.json(
                        "POST",
                        t + "/v1/configurations",
                        owner,
                        ApiCalls.map("name", "configuration " + marker, "axpConfigurationId", axpConfigurationId))
                .expect(201);
        configurationId = configuration.field("id");
        secret = configuration.field("secret");
        callbackUrl = configuration.field("callbackUrl");
        callbackKey = callbackUrl.substring(callbackUrl.lastIndexOf('/') + 1);
        secrets.add(secret);
        api.json(
                        "PATCH",
                        t + "/v1/configurations/" + configurationId,
                        owner,
                        ApiCalls.map("defaultCredentials", ApiCalls.map("android", credentialId)))
                .expect(200);

        var client = api.json("POST", t + "/v1/app-clients", owner, ApiCalls.map("name", "app " + marker))
                .expect(201);
        clientId = client.field("clientId");
        clientSecret = client.field("clientSecret");
        secrets.add(clientSecret);
        String clientToken = api.form(
                        t + "/oauth2/token",
                        clientId,
                        clientSecret,
                        "grant_type=client_credentials&scope=" + Scopes.REGISTRATIONS)
                .expect(200)
                .field("access_token");
        tokens.put(CallerKind.APP_CLIENT, clientToken);

        issuerAudience = "audience-" + marker;
        issuerId = api.json(
                        "POST",
                        t + "/v1/trusted-issuers",
                        owner,
                        ApiCalls.map(
                                "issuer", issuer.issuer(),
                                "jwksUri", issuer.jwksUri().toString(),
                                "audience", issuerAudience))
                .expect(201)
                .field("id");
        tokens.put(
                CallerKind.TRUSTED_ISSUER,
                issuer.token()
                        .audience(issuerAudience)
                        .subject("customer-" + marker)
                        .scope(Scopes.REGISTRATIONS)
                        .sign());
        tokens.put(CallerKind.NONE, null);

        deviceToken = "fcm-" + marker + "-" + random(48);
        sessionId = "session-" + marker;
        api.json(
                        "PUT",
                        d + "/v1/device-registrations/" + deviceToken,
                        clientToken,
                        ApiCalls.map(
                                "configId",
                                axpConfigurationId,
                                "sessionId",
                                sessionId,
                                "customerId",
                                "customer-" + marker,
                                "platform",
                                "android"))
                .expect(200);

        // a callback as AXP sends it, signed with the secret, delivered through the sandbox
        var event = api.json(
                        "POST",
                        t + "/v1/configurations/" + configurationId + "/test-events",
                        owner,
                        ApiCalls.map("sessionId", sessionId))
                .expect(201);
        api.raw(
                        "POST",
                        d + "/axp/callbacks/" + callbackKey,
                        "application/json",
                        event.field("body"),
                        "X-hmac",
                        event.field("signature"))
                .expect(202);
        notificationId = awaitDelivered(api, d, owner);
        // the callback's count reaches the secret usage (flushed in the background) before anyone snapshots it
        await(
                "the callback counted in the secret usage",
                () -> api.json("GET", d + "/v1/configurations/" + configurationId + "/secret-usage", owner, null)
                                .expect(200)
                                .json()
                                .get("current")
                                .asLong()
                        == 1);
        secrets.addAll(tokens.values().stream().filter(v -> v != null).toList());
    }

    /** A new access and refresh token for a member. */
    static ApiCalls.Exchange signIn(ApiCalls api, String tenantService, String email, String password) {
        return api.json(
                        "POST",
                        tenantService + "/v1/auth/login",
                        null,
                        ApiCalls.map("email", email, "password", password))
                .expect(200);
    }

    private String member(ApiCalls api, String t, String owner, String role, CallerKind kind) {
        String email = marker + "-" + role + "@example.test";
        String password = role + "'s passphrase " + random(12);
        String id = api.json(
                        "POST",
                        t + "/v1/members",
                        owner,
                        ApiCalls.map("email", email, "password", password, "role", role))
                .expect(201)
                .field("id");
        var login = signIn(api, t, email, password);
        tokens.put(kind, login.field("access_token"));
        secrets.add(password);
        secrets.add(login.field("refresh_token"));
        return id;
    }

    private String awaitDelivered(ApiCalls api, String d, String owner) {
        String[] id = new String[1];
        await("the test event delivered", () -> {
            JsonNode items = api.json("GET", d + "/v1/notifications", owner, null)
                    .expect(200)
                    .json()
                    .get("items");
            if (items.size() == 1
                    && "delivered".equals(items.get(0).get("status").asString())) {
                id[0] = items.get(0).get("id").asString();
                return true;
            }
            return false;
        });
        return id[0];
    }

    static void await(String what, java.util.function.BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 30 s: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static String random(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    static String randomBase64(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
