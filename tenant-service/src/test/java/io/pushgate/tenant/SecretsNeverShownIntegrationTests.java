package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Secrets (passwords, callback secrets, key material, client secrets, tokens, refresh tokens) appear in the answer
 * that creates them and nowhere else: not in any GET, not in any of the server's log lines
 * (captured at DEBUG, every logger), not in the audit log.
 */
@ControlPlaneTest
class SecretsNeverShownIntegrationTests {

    @LocalServerPort
    int port;

    @Test
    void noSecretReachesAGetALogLineOrTheAuditLog() {
        RawHttp http = new RawHttp(port);
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(logging);
        captured.start();
        root.addAppender(captured);
        root.setLevel(Level.DEBUG);
        List<String> secrets = new ArrayList<>();
        try {
            String email = Api.uniqueEmail();
            String password = "a secret passphrase";
            secrets.add(password);
            expect(
                    http.send(
                            "POST",
                            "/v1/signup",
                            null,
                            Map.of("tenantName", "T", "email", email, "password", password)),
                    201);
            expect(
                    http.send(
                            "POST",
                            "/v1/auth/login",
                            null,
                            Map.of("email", email, "password", "a wrong password guess")),
                    401);
            secrets.add("a wrong password guess");
            JsonNode signedIn = expect(
                    http.send("POST", "/v1/auth/login", null, Map.of("email", email, "password", password)), 200);
            String token = signedIn.get("access_token").asString();
            secrets.add(token);
            String firstRefresh = signedIn.get("refresh_token").asString();
            secrets.add(firstRefresh);
            JsonNode refreshed =
                    expect(http.send("POST", "/v1/auth/refresh", null, Map.of("refresh_token", firstRefresh)), 200);
            secrets.add(refreshed.get("access_token").asString());
            secrets.add(refreshed.get("refresh_token").asString());
            // a replay (it revokes the family, and is logged without the token) and a sign-out
            expect(http.send("POST", "/v1/auth/refresh", null, Map.of("refresh_token", firstRefresh)), 401);
            assertThat(http.send(
                                    "POST",
                                    "/v1/auth/logout",
                                    null,
                                    Map.of(
                                            "refresh_token",
                                            refreshed.get("refresh_token").asString()))
                            .status())
                    .isEqualTo(204);

            JsonNode configuration = expect(http.send("POST", "/v1/configurations", token, Map.of("name", "App")), 201);
            String id = configuration.get("id").asString();
            secrets.add(configuration.get("secret").asString());
            secrets.add(expect(http.send("POST", "/v1/configurations/" + id + "/secret:rotate", token, null), 200)
                    .get("secret")
                    .asString());

            String serviceAccount = TestCredentials.serviceAccountJson();
            String fcm = expect(
                            http.send(
                                    "POST",
                                    "/v1/credentials",
                                    token,
                                    Map.of("type", "fcm", "name", "Android", "serviceAccountJson", serviceAccount)),
                            201)
                    .get("id")
                    .asString();
            secrets.add(keyBody(Api.parse(serviceAccount).get("private_key").asString()));
            String replacement = TestCredentials.serviceAccountJson();
            expect(
                    http.send(
                            "PUT",
                            "/v1/credentials/" + fcm,
                            token,
                            Map.of("type", "fcm", "name", "Android", "serviceAccountJson", replacement)),
                    200);
            secrets.add(keyBody(Api.parse(replacement).get("private_key").asString()));
            String memberPassword = "a member's secret passphrase";
            expect(
                    http.send(
                            "POST",
                            "/v1/members",
                            token,
                            Map.of("email", Api.uniqueEmail(), "password", memberPassword, "role", "viewer")),
                    201);
            secrets.add(memberPassword);
            String p8 = TestCredentials.p8Key();
            expect(http.send("POST", "/v1/credentials", token, TestCredentials.apnsBody(p8)), 201);
            secrets.add(keyBody(p8));
            String badKey = TestCredentials.pem(TestCredentials.ecKey("secp384r1"));
            expect(http.send("POST", "/v1/credentials", token, TestCredentials.apnsBody(badKey)), 400);
            secrets.add(keyBody(badKey));

            JsonNode client = expect(http.send("POST", "/v1/app-clients", token, Map.of("name", "App")), 201);
            String clientSecret = client.get("clientSecret").asString();
            secrets.add(clientSecret);
            JsonNode clientToken = expect(
                    http.send(
                            "POST",
                            "/oauth2/token",
                            null,
                            "application/x-www-form-urlencoded",
                            "grant_type=client_credentials&client_id="
                                    + client.get("clientId").asString() + "&client_secret=" + clientSecret),
                    200);
            secrets.add(clientToken.get("access_token").asString());

            StringBuilder gets = new StringBuilder();
            for (String path : List.of(
                    "/v1/configurations",
                    "/v1/configurations/" + id,
                    "/v1/credentials",
                    "/v1/credentials/" + fcm,
                    "/v1/app-clients",
                    "/v1/members",
                    "/v1/audit-events")) {
                gets.append(http.send("GET", path, token, null).body());
            }
            for (String secret : secrets) {
                assertThat(gets.toString()).doesNotContain(secret);
            }
        } finally {
            root.setLevel(level);
            root.detachAppender(captured);
            captured.stop();
        }

        assertThat(captured.list).as("DEBUG logging captured the requests").hasSizeGreaterThan(20);
        for (ILoggingEvent event : captured.list) {
            String line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            for (String secret : secrets) {
                assertThat(line).as("log line of %s", event.getLoggerName()).doesNotContain(secret);
            }
        }
    }

    private static JsonNode expect(RawHttp.Answer answer, int status) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        return answer.json();
    }

    /** A stretch of a PEM key's base64 body: what a leak of the key would contain. */
    private static String keyBody(String pem) {
        return pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("\n", "").substring(20, 60);
    }
}
