package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.pushgate.api.Scopes;
import io.pushgate.emulator.ApnsCertificate;
import io.pushgate.emulator.ApnsCertificateAuthority;
import io.pushgate.emulator.FcmEmulator;
import io.pushgate.emulator.FcmServiceAccount;
import io.pushgate.testkit.TestIssuer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Issue 18, drill 7: secrets never leak. The whole platform (both services and the portal in one
 * JVM, as {@code ./pushgate up} runs them) goes through sign-up, sign-in (and a wrong password),
 * refresh, a replayed refresh token and sign-out; configurations made and their secrets rotated and
 * expired; FCM (a service-account key), APNs {@code .p8} and {@code .p12}-with-password credentials
 * made, replaced and refused; app clients and their tokens (and a wrong client secret); a trusted
 * issuer and its token; registrations with full FCM and APNs device tokens (read, searched,
 * deleted, refused); signed and badly signed callbacks, deliveries through the sandbox and through
 * FCM with the service account, and refusals of many kinds. Every secret the run made or was given
 * is then looked for — as it is, and in base64 and hex, and for long ones every 24-character stretch
 * — in every log line (every logger of every service at its configured level, the platform's own
 * code at DEBUG, and the launcher's log file), in every API answer that is not the one answer that
 * hands the secret out, in the audit log, and in every error answer.
 */
class SecretsNeverLeakIntegrationTests {

    static final String OPERATOR_TOKEN = "operator-" + DrillTenant.random(24);

    static PortalPlatform platform;
    static FcmEmulator fcm;
    static TestIssuer issuer;

    @BeforeAll
    static void start() throws Exception {
        fcm = FcmEmulator.start("127.0.0.1", 0, 2, 1000);
        issuer = TestIssuer.ec("https://idp-secrets.example.test");
        platform = PortalPlatform.start(Map.of(
                "tenant-service",
                List.of("--pushgate.security.allow-loopback-jwks=true", "--pushgate.operator-token=" + OPERATOR_TOKEN),
                "delivery-service",
                List.of(
                        "--pushgate.security.allow-loopback-jwks=true",
                        "--pushgate.providers.fcm-url=" + fcm.baseUri())));
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
        if (fcm != null) {
            fcm.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    /** Where a secret may be shown: the one answer that hands it out (by method and path pattern). */
    static final List<String> HANDS_OUT = List.of(
            "POST /v1/auth/login",
            "POST /v1/auth/refresh",
            "POST /oauth2/token",
            "POST /v1/configurations",
            "POST /v1/configurations/[^/]+/secret:rotate",
            "POST /v1/app-clients");

    /**
     * Where a device token is shown to its own tenant by design (README): the registration API's
     * answers (the token is the registration's key) and the sandbox's received messages.
     */
    static final List<String> SHOWS_DEVICE_TOKENS = List.of(
            ".* /v1/device-registrations.*",
            ".* /custom-notification-connector/device-registrations.*",
            "GET /v1/sandbox/messages.*");

    @Test
    void noSecretReachesALogLineAnApiReadAnAuditEventOrAnErrorAnswer() throws Exception {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
        Logger ours = logging.getLogger("io.pushgate");
        Level oursBefore = ours.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(logging);
        captured.start();
        root.addAppender(captured);
        ours.setLevel(Level.DEBUG);

        ApiCalls api = new ApiCalls();
        String t = "http://localhost:" + platform.tenantPort;
        String d = "http://localhost:" + platform.deliveryPort;
        Map<String, String> secrets = new LinkedHashMap<>(); // secret -> what it is
        List<String> deviceTokens = new ArrayList<>();
        try {
            // sign-up, sign-in, refresh, a replay, sign-out; a configuration, a sandbox credential,
            // an app client, a trusted issuer, a registration and a delivered notification
            DrillTenant tenant = new DrillTenant(platform, api, OPERATOR_TOKEN, issuer);
            tenant.secrets.forEach(secret -> secrets.put(secret, "the tenant's password, secret or token"));
            deviceTokens.add(tenant.deviceToken);
            secrets.put(OPERATOR_TOKEN, "the operator token");
            String owner = tenant.tokens.get(DrillTenant.CallerKind.OWNER);
            api.json(
                            "POST",
                            t + "/v1/auth/login",
                            null,
                            ApiCalls.map("email", tenant.ownerEmail, "password", "a wrong password guess 1"))
                    .expect(401);
            secrets.put("a wrong password guess 1", "a wrong password");
            var refreshed = api.json(
                            "POST", t + "/v1/auth/refresh", null, ApiCalls.map("refresh_token", tenant.refreshToken))
                    .expect(200);
            secrets.put(refreshed.field("access_token"), "a refreshed access token");
            secrets.put(refreshed.field("refresh_token"), "a refreshed refresh token");
            api.json("POST", t + "/v1/auth/refresh", null, ApiCalls.map("refresh_token", tenant.refreshToken))
                    .expect(401);
            api.json(
                            "POST",
                            t + "/v1/auth/logout",
                            null,
                            ApiCalls.map("refresh_token", refreshed.field("refresh_token")))
                    .expect(204);

            // the configuration's secret rotated twice, the previous one expired
            String first = tenant.secret;
            String second = api.json(
                            "POST", t + "/v1/configurations/" + tenant.configurationId + "/secret:rotate", owner, null)
                    .expect(200)
                    .field("secret");
            secrets.put(second, "a rotated configuration secret");
            // a callback signed as AXP signs it (the test event, under the current secret), then one badly signed
            var event = api.json(
                            "POST",
                            t + "/v1/configurations/" + tenant.configurationId + "/test-events",
                            owner,
                            ApiCalls.map("sessionId", tenant.sessionId))
                    .expect(201);
            api.raw(
                            "POST",
                            d + "/axp/callbacks/" + tenant.callbackKey,
                            "application/json",
                            event.field("body"),
                            "X-hmac",
                            event.field("signature"))
                    .expect(202);
            api.raw(
                            "POST",
                            d + "/axp/callbacks/" + tenant.callbackKey,
                            "application/json",
                            event.field("body"),
                            "X-hmac",
                            "0".repeat(64))
                    .expect(401);
            api.json(
                            "POST",
                            t + "/v1/configurations/" + tenant.configurationId + "/secret:expire-previous",
                            owner,
                            null)
                    .expect(204);
            String third = api.json(
                            "POST", t + "/v1/configurations/" + tenant.configurationId + "/secret:rotate", owner, null)
                    .expect(200)
                    .field("secret");
            secrets.put(third, "a rotated configuration secret");
            secrets.put(first, "the first configuration secret (now a previous one)");

            // credentials: FCM (a real service-account key file, the emulator's), APNs .p8 and .p12 with a password
            FcmServiceAccount account = fcm.mintServiceAccount("secrets-drill");
            String fcmCredential = api.json(
                            "POST",
                            t + "/v1/credentials",
                            owner,
                            ApiCalls.map("type", "fcm", "name", "FCM", "serviceAccountJson", account.json()))
                    .expect(201)
                    .field("id");
            addKey(secrets, account.privateKeyPem(), "the FCM service account's private key");
            FcmServiceAccount replacement = fcm.mintServiceAccount("secrets-drill");
            api.json(
                            "PUT",
                            t + "/v1/credentials/" + fcmCredential,
                            owner,
                            ApiCalls.map("type", "fcm", "name", "FCM", "serviceAccountJson", replacement.json()))
                    .expect(200);
            addKey(secrets, replacement.privateKeyPem(), "the replacing FCM private key");
            String p8 = pem(ecKey("secp256r1"));
            api.json("POST", t + "/v1/credentials", owner, apns(p8)).expect(201);
            addKey(secrets, p8, "an APNs .p8 key");
            String wrongCurve = pem(ecKey("secp384r1"));
            api.json("POST", t + "/v1/credentials", owner, apns(wrongCurve)).expect(400);
            addKey(secrets, wrongCurve, "a refused APNs key");
            ApnsCertificate certificate =
                    ApnsCertificateAuthority.create("Drill CA").issue("com.example.drill");
            Map<String, Object> p12 = ApiCalls.map(
                    "type",
                    "apns",
                    "name",
                    "APNs certificate",
                    "certificate",
                    certificate.p12Base64(),
                    "certificatePassword",
                    certificate.password());
            api.json("POST", t + "/v1/credentials", owner, p12).expect(201);
            Map<String, Object> wrongPassword = new LinkedHashMap<>(p12);
            wrongPassword.put("certificatePassword", "not the p12's password 42");
            api.json("POST", t + "/v1/credentials", owner, wrongPassword).expect(400);
            secrets.put(certificate.p12Base64(), "an APNs .p12");
            secrets.put(certificate.password(), "an APNs .p12's password");
            secrets.put("not the p12's password 42", "a wrong .p12 password");

            // a configuration delivering through FCM with the service account
            String fcmConfiguration = api.json(
                            "POST",
                            t + "/v1/configurations",
                            owner,
                            ApiCalls.map("name", "FCM app", "axpConfigurationId", "axp-fcm-" + tenant.marker))
                    .expect(201)
                    .json()
                    .get("id")
                    .asString();
            secrets.put(
                    api.exchanges().get(api.exchanges().size() - 1).field("secret"), "the FCM configuration's secret");
            api.json(
                            "PATCH",
                            t + "/v1/configurations/" + fcmConfiguration,
                            owner,
                            ApiCalls.map("defaultCredentials", ApiCalls.map("android", fcmCredential)))
                    .expect(200);

            // app clients: a token, a wrong secret
            var client = api.json("POST", t + "/v1/app-clients", owner, ApiCalls.map("name", "second app"))
                    .expect(201);
            secrets.put(client.field("clientSecret"), "a client secret");
            String clientToken = api.form(
                            t + "/oauth2/token",
                            client.field("clientId"),
                            client.field("clientSecret"),
                            "grant_type=client_credentials&scope=" + Scopes.REGISTRATIONS)
                    .expect(200)
                    .field("access_token");
            secrets.put(clientToken, "an app client's access token");
            api.form(
                            t + "/oauth2/token",
                            client.field("clientId"),
                            "a wrong client secret 77",
                            "grant_type=client_credentials")
                    .expect(401);
            secrets.put("a wrong client secret 77", "a wrong client secret");

            // registrations with full device tokens: FCM and APNs, read, searched, deleted, refused
            String fcmToken = "fcm-secret-" + DrillTenant.randomBase64(60);
            String apnsToken = DrillTenant.random(32);
            deviceTokens.add(fcmToken);
            deviceTokens.add(apnsToken);
            String session = "session-fcm-" + tenant.marker;
            api.json(
                            "PUT",
                            d + "/v1/device-registrations/" + fcmToken,
                            clientToken,
                            ApiCalls.map(
                                    "configId",
                                    "axp-fcm-" + tenant.marker,
                                    "sessionId",
                                    session,
                                    "platform",
                                    "android"))
                    .expect(200);
            api.json(
                            "PUT",
                            d + "/custom-notification-connector/device-registrations/" + apnsToken,
                            tenant.tokens.get(DrillTenant.CallerKind.TRUSTED_ISSUER),
                            ApiCalls.map(
                                    "configId", tenant.axpConfigurationId,
                                    "sessionId", "session-apns-" + tenant.marker,
                                    "platform", "ios",
                                    "provider", "apns",
                                    "apnsEnvironment", "sandbox"))
                    .expect(200);
            api.json("GET", d + "/v1/device-registrations/" + fcmToken, clientToken, null)
                    .expect(200);
            api.json("POST", d + "/v1/device-registrations:search", clientToken, ApiCalls.map("sessionId", session))
                    .expect(200);
            api.json("PUT", d + "/v1/device-registrations/" + fcmToken, clientToken, ApiCalls.map("configId", "x"))
                    .expect(400);
            api.json("PUT", d + "/v1/device-registrations/" + fcmToken, "not-a-token." + fcmToken, Map.of())
                    .expect(401);
            api.json(
                            "DELETE",
                            d + "/custom-notification-connector/device-registrations/" + apnsToken,
                            tenant.tokens.get(DrillTenant.CallerKind.TRUSTED_ISSUER),
                            null)
                    .expect(204);

            // a delivery through FCM with the service account, and one through the sandbox
            var fcmEvent = api.json(
                            "POST",
                            t + "/v1/configurations/" + fcmConfiguration + "/test-events",
                            owner,
                            ApiCalls.map("sessionId", session))
                    .expect(201);
            api.raw(
                            "POST",
                            fcmEvent.field("callbackUrl"),
                            "application/json",
                            fcmEvent.field("body"),
                            "X-hmac",
                            fcmEvent.field("signature"))
                    .expect(202);
            DrillTenant.await(
                    "the push through FCM", () -> !fcm.messagesTo(fcmToken).isEmpty());
            DrillTenant.await("every notification ended", () -> {
                JsonNode items = api.json("GET", d + "/v1/notifications", owner, null)
                        .expect(200)
                        .json()
                        .get("items");
                for (JsonNode item : items) {
                    if (!"delivered".equals(item.get("status").asString())) {
                        return false;
                    }
                }
                return items.size() == 3;
            });

            // reads: everything a member can read, the audit log, the delivery log, the sandbox's messages
            for (String read : List.of(
                    t + "/v1/configurations",
                    t + "/v1/configurations/" + tenant.configurationId,
                    t + "/v1/configurations/" + fcmConfiguration,
                    t + "/v1/credentials",
                    t + "/v1/credentials/" + fcmCredential,
                    t + "/v1/app-clients",
                    t + "/v1/trusted-issuers",
                    t + "/v1/members",
                    t + "/v1/plan",
                    t + "/v1/audit-events?limit=200",
                    d + "/v1/notifications",
                    d + "/v1/notifications/" + tenant.notificationId,
                    d + "/v1/stats",
                    d + "/v1/sandbox/messages",
                    d + "/v1/configurations/" + tenant.configurationId + "/refused-callbacks",
                    d + "/v1/configurations/" + tenant.configurationId + "/secret-usage")) {
                api.json("GET", read, owner, null).expect(200);
            }
            JsonNode audit = api.json("GET", t + "/v1/audit-events?limit=200", owner, null)
                    .expect(200)
                    .json()
                    .get("items");
            assertThat(audit.size()).as("audit events of the run").isGreaterThan(15);
        } finally {
            root.detachAppender(captured);
            ours.setLevel(oursBefore);
            captured.stop();
        }

        // every captured text, by where it was seen
        List<String[]> texts = new ArrayList<>(); // {where, text}
        for (ILoggingEvent event : captured.list) {
            texts.add(new String[] {
                "log line of " + event.getLoggerName() + " (" + event.getLevel() + ")",
                event.getFormattedMessage()
                        + (event.getThrowableProxy() == null
                                ? ""
                                : ThrowableProxyUtil.asString(event.getThrowableProxy()))
            });
        }
        Path logFile = platform.home.resolve("logs").resolve(PushgateLauncher.LOG_FILE_NAME);
        String file = Files.readString(logFile, StandardCharsets.UTF_8);
        texts.add(new String[] {"the launcher's log file", file});
        int answers = 0;
        for (ApiCalls.Exchange exchange : api.exchanges()) {
            String request = exchange.method() + " "
                    + java.net.URI.create(exchange.uri()).getRawPath();
            boolean error = exchange.status() >= 400;
            if (!error && HANDS_OUT.stream().anyMatch(request::matches)) {
                continue; // the answer that hands the secret out (checked below for what it must not add)
            }
            answers++;
            String where = (error ? "the error answer " : "the answer ") + exchange.status() + " to " + request;
            texts.add(new String[] {where, exchange.body()});
        }

        Map<String, String> needles = new LinkedHashMap<>();
        secrets.forEach((secret, what) -> forms(secret).forEach(form -> needles.putIfAbsent(form, what)));
        Map<String, String> deviceTokenNeedles = new LinkedHashMap<>();
        deviceTokens.forEach(
                token -> forms(token).forEach(form -> deviceTokenNeedles.put(form, "a full device token")));

        List<String> leaks = new ArrayList<>();
        for (String[] text : texts) {
            for (Map.Entry<String, String> needle : needles.entrySet()) {
                if (text[1].contains(needle.getKey())) {
                    leaks.add(needle.getValue() + " in " + text[0] + ": " + excerpt(text[1], needle.getKey()));
                }
            }
            boolean showsTokens = text[0].startsWith("the answer ")
                    && SHOWS_DEVICE_TOKENS.stream().anyMatch(text[0].substring(text[0].indexOf(" to ") + 4)::matches);
            if (!showsTokens) {
                for (Map.Entry<String, String> needle : deviceTokenNeedles.entrySet()) {
                    if (text[1].contains(needle.getKey())) {
                        leaks.add(needle.getValue() + " in " + text[0] + ": " + excerpt(text[1], needle.getKey()));
                    }
                }
            }
        }
        System.out.printf(
                "secrets drill: %d secrets and %d device tokens (%d forms searched) in %d log lines, a log file of %d"
                        + " lines, %d API answers (%d errors); %d leaks%n",
                secrets.size(),
                deviceTokens.size(),
                needles.size() + deviceTokenNeedles.size(),
                captured.list.size(),
                file.lines().count(),
                answers,
                api.exchanges().stream().filter(e -> e.status() >= 400).count(),
                leaks.size());
        leaks.forEach(leak -> System.out.println("LEAK: " + leak));
        assertThat(leaks).as("secrets found where they must never be").isEmpty();
        // the capture saw both services' own lines (a capture that sees nothing finds no leak)
        assertThat(captured.list)
                .extracting(ILoggingEvent::getLoggerName)
                .anyMatch(name -> name.startsWith("io.pushgate.tenant."))
                .anyMatch(name -> name.startsWith("io.pushgate.delivery."));
    }

    /**
     * The forms a leak of {@code secret} would take: itself, its base64 (standard and URL-safe, of
     * its UTF-8 bytes) and hex, and for a long one every 24-character stretch (a key's PEM lines, a
     * secret cut short).
     */
    static Set<String> forms(String secret) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(secret);
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        forms.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
        forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        forms.add(HexFormat.of().formatHex(bytes));
        if (secret.length() > 48) {
            for (int i = 0; i + 24 <= secret.length(); i += 24) {
                forms.add(secret.substring(i, i + 24));
            }
        }
        return forms;
    }

    /** A PEM key's whole base64 body and each of its lines, with the key itself. */
    static void addKey(Map<String, String> secrets, String pem, String what) {
        secrets.put(pem, what);
        StringBuilder body = new StringBuilder();
        for (String line : pem.split("\\R")) {
            if (!line.startsWith("-----") && !line.isBlank()) {
                secrets.put(line, what + " (a line of its PEM body)");
                body.append(line);
            }
        }
        secrets.put(body.toString(), what + " (its base64 body)");
        // the key as a JSON string would carry it (newlines escaped)
        secrets.put(pem.replace("\n", "\\n"), what + " (JSON-escaped)");
    }

    static String excerpt(String text, String needle) {
        int at = text.indexOf(needle);
        int from = Math.max(0, at - 120);
        int to = Math.min(text.length(), at + needle.length() + 40);
        return text.substring(from, to).replace('\n', ' ');
    }

    static Map<String, Object> apns(String p8) {
        return ApiCalls.map(
                "type", "apns",
                "name", "APNs key",
                "p8Key", p8,
                "keyId", "ABC123DEFG",
                "teamId", "TEAM123456",
                "topic", "com.example.drill",
                "environment", "sandbox");
    }

    static java.security.PrivateKey ecKey(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair().getPrivate();
    }

    static String pem(java.security.PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }
}
