package io.pushgate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The FCM emulator's wire contract over plain HTTP: send validation, token endpoint and control API. */
class FcmEmulatorHttpIntegrationTests {

    private static final String ACCESS_TOKEN = "static-" + UUID.randomUUID();
    private static final JsonMapper json = JsonMapper.shared();
    private static FcmEmulator emulator;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        emulator = FcmEmulator.start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
        emulator.acceptAccessToken(ACCESS_TOKEN);
    }

    private static HttpResponse<String> call(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(emulator.baseUri().resolve(path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String project, String body) throws Exception {
        return call(
                "POST",
                "/v1/projects/" + project + "/messages:send",
                body,
                "Authorization",
                "Bearer " + ACCESS_TOKEN,
                "Content-Type",
                "application/json");
    }

    private static JsonNode body(HttpResponse<String> response) {
        return json.readTree(response.body());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"message\":{\"data\":{\"a\":\"b\"}}}|Exactly one",
                "{\"message\":{\"token\":\"t\",\"data\":{\"a\":1}}}|message.data",
                "{\"message\":{\"token\":\"t\",\"android\":{\"priority\":\"urgent\"}}}|android.priority",
                "{\"message\":{\"token\":\"t\",\"android\":{\"ttl\":\"10m\"}}}|android.ttl",
                "{\"message\":{\"token\":\"t\"},\"extra\":true}|Unknown name",
                "not json|Invalid JSON"
            })
    void anInvalidMessageIsAnsweredLikeFcm(String request, String expected) throws Exception {
        HttpResponse<String> response = send("p", request);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = body(response).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(400);
        assertThat(error.get("status").asString()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.get("message").asString()).contains(expected);
        assertThat(error.at("/details/0/@type").asString())
                .isEqualTo("type.googleapis.com/google.firebase.fcm.v1.FcmError");
        assertThat(error.at("/details/0/errorCode").asString()).isEqualTo("INVALID_ARGUMENT");
        assertThat(emulator.messages()).isEmpty();
    }

    @Test
    void aPayloadOver4KiBIsRefused() throws Exception {
        String big = "x".repeat(4100);
        HttpResponse<String> response = send("p", "{\"message\":{\"token\":\"t\",\"data\":{\"k\":\"" + big + "\"}}}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).at("/error/message").asString()).contains("too big");
    }

    @Test
    void aSendWithoutBearerTokenIsUnauthenticated() throws Exception {
        HttpResponse<String> response = call("POST", "/v1/projects/p/messages:send", "{\"message\":{\"token\":\"t\"}}");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(body(response).at("/error/status").asString()).isEqualTo("UNAUTHENTICATED");
        assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    @Test
    void theTokenEndpointRefusesWhatGoogleRefuses() throws Exception {
        HttpResponse<String> wrongGrant = form("grant_type=client_credentials");
        assertThat(wrongGrant.statusCode()).isEqualTo(400);
        assertThat(body(wrongGrant).get("error").asString()).isEqualTo("unsupported_grant_type");

        HttpResponse<String> garbage = form("grant_type=" + enc(OAuthTokenEndpoint.GRANT_TYPE) + "&assertion=abc");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(body(garbage).get("error").asString()).isEqualTo("invalid_grant");

        FcmServiceAccount account = emulator.mintServiceAccount("p");
        var otherKey = KeyPairGenerator.getInstance("RSA");
        otherKey.initialize(2048);
        String forged = jwt(account, otherKey.generateKeyPair().getPrivate());
        HttpResponse<String> forgedAnswer =
                form("grant_type=" + enc(OAuthTokenEndpoint.GRANT_TYPE) + "&assertion=" + forged);
        assertThat(forgedAnswer.statusCode()).isEqualTo(400);
        assertThat(body(forgedAnswer).get("error_description").asString()).isEqualTo("Invalid JWT Signature.");
    }

    @Test
    void theControlApiListsFiltersAndClearsMessagesNewestFirst() throws Exception {
        for (String token : new String[] {"t1", "t2", "t3"}) {
            assertThat(send("p", "{\"message\":{\"token\":\"" + token + "\",\"data\":{\"n\":\"" + token + "\"}}}")
                            .statusCode())
                    .isEqualTo(200);
        }
        send("q", "{\"message\":{\"token\":\"t1\"}}");

        JsonNode page = body(call("GET", "/emulator/fcm/messages?projectId=p&limit=2", null));
        assertThat(page.get("items").findValuesAsString("deviceToken")).containsExactly("t3", "t2");
        assertThat(page.at("/items/0/message/data/n").asString()).isEqualTo("t3");
        JsonNode next = body(call(
                "GET",
                "/emulator/fcm/messages?projectId=p&limit=2&before="
                        + page.get("nextBefore").asLong(),
                null));
        assertThat(next.get("items").findValuesAsString("deviceToken")).containsExactly("t1");
        assertThat(next.get("nextBefore").isNull()).isTrue();
        JsonNode byToken = body(call("GET", "/emulator/fcm/messages?deviceToken=t1", null));
        assertThat(byToken.get("items").findValuesAsString("projectId")).containsExactly("q", "p");

        assertThat(call("DELETE", "/emulator/fcm/messages", null).statusCode()).isEqualTo(204);
        assertThat(body(call("GET", "/emulator/fcm/messages", null)).get("items"))
                .isEmpty();
    }

    @Test
    void theControlApiInjectsFailuresLatencyAndUnregistrations() throws Exception {
        assertThat(call(
                                "PUT",
                                "/emulator/fcm/devices/t9/failure",
                                "{\"errorCode\":\"QUOTA_EXCEEDED\",\"times\":1,\"retryAfterSeconds\":7}")
                        .statusCode())
                .isEqualTo(204);
        HttpResponse<String> limited = send("p", "{\"message\":{\"token\":\"t9\"}}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("7");
        assertThat(body(limited).at("/error/details/0/errorCode").asString()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(send("p", "{\"message\":{\"token\":\"t9\"}}").statusCode()).isEqualTo(200);
        assertThat(body(call("GET", "/emulator/fcm/devices/t9/attempts", null))
                        .get("attempts")
                        .asInt())
                .isEqualTo(2);

        call("PUT", "/emulator/fcm/devices/t9/unregistered", "");
        HttpResponse<String> gone = send("p", "{\"message\":{\"token\":\"t9\"}}");
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(body(gone).at("/error/details/0/errorCode").asString()).isEqualTo("UNREGISTERED");

        call("PUT", "/emulator/fcm/devices/t8/project", "{\"projectId\":\"other\"}");
        assertThat(body(send("p", "{\"message\":{\"token\":\"t8\"}}"))
                        .at("/error/details/0/errorCode")
                        .asString())
                .isEqualTo("SENDER_ID_MISMATCH");

        call("PUT", "/emulator/fcm/devices/t7/latency", "{\"latencyMs\":60000}");
        HttpRequest slow = HttpRequest.newBuilder(emulator.baseUri().resolve("/v1/projects/p/messages:send"))
                .header("Authorization", "Bearer " + ACCESS_TOKEN)
                .timeout(Duration.ofMillis(300))
                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":{\"token\":\"t7\"}}"))
                .build();
        // the answer is held for a minute, so a client that waits 300 ms cannot have one
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.send(slow, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);

        assertThat(call("DELETE", "/emulator/fcm/devices/t9", null).statusCode())
                .isEqualTo(204);
        assertThat(send("p", "{\"message\":{\"token\":\"t9\"}}").statusCode()).isEqualTo(200);
    }

    @Test
    void theControlApiMintsServiceAccountsAndAcceptsStaticTokens() throws Exception {
        HttpResponse<String> minted = call("POST", "/emulator/fcm/service-accounts", "{\"projectId\":\"sandbox\"}");
        assertThat(minted.statusCode()).isEqualTo(201);
        JsonNode file = body(minted);
        assertThat(file.get("type").asString()).isEqualTo("service_account");
        assertThat(file.get("project_id").asString()).isEqualTo("sandbox");
        assertThat(file.get("private_key").asString()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(file.get("token_uri").asString())
                .isEqualTo(emulator.tokenUri().toString());

        assertThat(call("POST", "/emulator/fcm/access-tokens", "{\"accessToken\":\"fixed\"}")
                        .statusCode())
                .isEqualTo(204);
        assertThat(call(
                                "POST",
                                "/v1/projects/any/messages:send",
                                "{\"message\":{\"token\":\"t\"}}",
                                "Authorization",
                                "Bearer fixed")
                        .statusCode())
                .isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "PUT|/emulator/fcm/devices/t/failure|{\"errorCode\":\"NOPE\"}|400|invalid-request",
                "PUT|/emulator/fcm/devices/t/failure|{\"errorCode\":\"INTERNAL\",\"times\":0}|400|invalid-request",
                "PUT|/emulator/fcm/devices/t/failure|not json|400|invalid-request",
                "PUT|/emulator/fcm/devices/t/latency|{\"latencyMs\":\"slow\"}|400|invalid-request",
                "PUT|/emulator/fcm/devices/t/latency|{\"latencyMs\":-1}|400|invalid-request",
                "POST|/emulator/fcm/service-accounts|{}|400|invalid-request",
                "GET|/emulator/fcm/messages?limit=abc||400|invalid-request",
                "GET|/emulator/fcm/messages?limit=0||400|invalid-request",
                "GET|/emulator/fcm/nothing||404|not-found",
                "PUT|/emulator/fcm/devices/t/colour|{}|404|not-found",
                "POST|/emulator/fcm/messages|{}|405|method-not-allowed"
            })
    void everyBadControlRequestGetsAProblem(String method, String path, String body, int status, String type)
            throws Exception {
        HttpResponse<String> response = call(method, path, body);

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode problem = body(response);
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/emulator/" + type);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isNotBlank();
    }

    private static HttpResponse<String> form(String body) throws Exception {
        return call("POST", "/token", body, "Content-Type", "application/x-www-form-urlencoded");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String jwt(FcmServiceAccount account, java.security.PrivateKey key) throws Exception {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header =
                base64.encodeToString(("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + account.privateKeyId() + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
        String claims = base64.encodeToString(("{\"iss\":\"" + account.clientEmail() + "\",\"aud\":\""
                        + account.tokenUri() + "\",\"scope\":\"https://www.googleapis.com/auth/firebase.messaging\","
                        + "\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}")
                .getBytes(StandardCharsets.UTF_8));
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key);
        signer.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + base64.encodeToString(signer.sign());
    }
}
