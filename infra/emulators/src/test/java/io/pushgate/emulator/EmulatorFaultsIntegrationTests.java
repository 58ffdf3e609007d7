package io.pushgate.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Provider faults of the emulators, scoped to one FCM project or one APNs key: FCM down (503), a 429
 * storm with {@code Retry-After}, slow answers, a connection reset mid-response; APNs {@code
 * TooManyRequests}, {@code ExpiredProviderToken}, failing TLS handshakes. Each test shows the faulted
 * credential meets the fault and another credential does not.
 */
class EmulatorFaultsIntegrationTests {

    private static final String ACCESS_TOKEN = "static-" + UUID.randomUUID();
    private static final String TOPIC = "io.pushgate.faults";
    private static final String PAYLOAD = "{\"aps\":{\"alert\":\"hi\"}}";
    private static final JsonMapper json = JsonMapper.shared();

    private static FcmEmulator fcm;
    private static ApnsEmulator apns;
    private static HttpClient http;
    private static EventLoopGroup clientLoop;

    @BeforeAll
    @SuppressWarnings("deprecation") // pushy picks its channel class by the group's class; it knows NioEventLoopGroup
    static void start() {
        fcm = FcmEmulator.start();
        apns = ApnsEmulator.start(0, true);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        clientLoop = new io.netty.channel.nio.NioEventLoopGroup(1);
    }

    @AfterAll
    static void stop() {
        fcm.close();
        apns.close();
        clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void reset() {
        fcm.reset();
        fcm.acceptAccessToken(ACCESS_TOKEN);
        apns.clearRecords();
    }

    @Test
    void fcmDownAnswersOneProject503WhileAnotherIsServed() throws Exception {
        control("PUT", "/emulator/fcm/projects/down/fault", "{\"kind\":\"unavailable\",\"seconds\":60}", 204);

        HttpResponse<String> faulted = send("down", "d-1", null);
        HttpResponse<String> other = send("up", "u-1", null);

        assertThat(faulted.statusCode()).isEqualTo(503);
        assertThat(json.readTree(faulted.body()).at("/error/status").asString()).isEqualTo("UNAVAILABLE");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(fcm.messagesTo("d-1")).isEmpty();
        JsonNode state = json.readTree(control("GET", "/emulator/fcm/projects/down/fault", null, 200));
        assertThat(state.get("kind").asString()).isEqualTo("unavailable");
        assertThat(state.get("faultedSends").asLong()).isEqualTo(1);

        control("DELETE", "/emulator/fcm/projects/down/fault", null, 204);
        assertThat(send("down", "d-1", null).statusCode()).isEqualTo(200);
        assertThat(fcm.messagesTo("d-1")).hasSize(1);
    }

    @Test
    void aThrottledProjectGets429WithRetryAfter() throws Exception {
        control(
                "PUT",
                "/emulator/fcm/projects/busy/fault",
                "{\"kind\":\"throttled\",\"seconds\":60,\"retryAfterSeconds\":7}",
                204);

        HttpResponse<String> faulted = send("busy", "b-1", null);

        assertThat(faulted.statusCode()).isEqualTo(429);
        assertThat(faulted.headers().firstValue("Retry-After")).contains("7");
        assertThat(json.readTree(faulted.body())
                        .at("/error/details/0/errorCode")
                        .asString())
                .isEqualTo("QUOTA_EXCEEDED");
        assertThat(send("calm", "c-1", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aSlowProjectIsAnsweredLateAndItsMessageStillArrives() throws Exception {
        fcm.injectProjectFault("slow", FcmFault.slow(Duration.ofMinutes(1), Duration.ofSeconds(5)));

        assertThatThrownBy(() -> send("slow", "s-1", Duration.ofMillis(500))).isInstanceOf(HttpTimeoutException.class);
        assertThat(send("quick", "q-1", Duration.ofMillis(2_000)).statusCode()).isEqualTo(200);
        assertThat(fcm.messagesTo("s-1")).hasSize(1);
        assertThat(fcm.faultedSends("slow")).isEqualTo(1);
    }

    @Test
    void aResetProjectsConnectionIsCutMidResponseAndNothingIsAccepted() throws Exception {
        fcm.injectProjectFault("cut", FcmFault.reset(Duration.ofMinutes(1)));
        String body = "{\"message\":{\"token\":\"r-1\"}}";

        try (Socket socket = new Socket("127.0.0.1", fcm.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/projects/cut/messages:send HTTP/1.1\r\nHost: fcm\r\nAuthorization: Bearer "
                            + ACCESS_TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                            + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            assertThatThrownBy(() -> {
                        for (int b; (b = in.read()) >= 0; ) {
                            head.append((char) b);
                        }
                        throw new IOException("closed without a reset");
                    })
                    .isInstanceOf(java.net.SocketException.class)
                    .hasMessageContaining("reset");
            assertThat(head.toString()).startsWith("HTTP/1.1 200 OK\r\n").doesNotContain("\r\n\r\n");
        }
        assertThat(fcm.messagesTo("r-1")).isEmpty();
        assertThat(send("whole", "w-1", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aProjectFaultEndsByItself() throws Exception {
        fcm.injectProjectFault("brief", FcmFault.unavailable(Duration.ofSeconds(1)));

        awaitTrue(() -> fcm.projectFault("brief").isEmpty());

        assertThat(send("brief", "x-1", null).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "PUT|{\"kind\":\"gone\",\"seconds\":5}",
                "PUT|{\"kind\":\"unavailable\"}",
                "PUT|{\"kind\":\"unavailable\",\"seconds\":0}",
                "PUT|{\"kind\":\"throttled\",\"seconds\":5}",
                "PUT|{\"kind\":\"slow\",\"seconds\":5,\"latencyMs\":0}",
                "PUT|not json"
            })
    void aBadFaultIsRefusedWithAProblem(String method, String body) throws Exception {
        String answer = control(method, "/emulator/fcm/projects/p/fault", body, 400);

        assertThat(json.readTree(answer).get("type").asString())
                .isEqualTo("https://pushgate.io/problems/emulator/invalid-request");
        assertThat(fcm.projectFault("p")).isEmpty();
    }

    @Test
    void apnsTooManyRequestsRefusesOneKeysSendsOnly() throws Exception {
        ApnsAuthKey throttled = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        ApnsAuthKey other = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        ApnsClient a = client(throttled);
        ApnsClient b = client(other);
        try {
            apns.injectKeyFault(
                    throttled.keyId(), ApnsFault.tooManyRequests(Duration.ofMinutes(1), Duration.ofSeconds(3)));

            assertThat(send(a).getRejectionReason()).contains("TooManyRequests");
            assertThat(send(b).isAccepted()).isTrue();
            assertThat(apns.faultedSends(throttled.keyId())).isEqualTo(1);

            apns.clearKeyFault(throttled.keyId());
            assertThat(send(a).isAccepted()).isTrue();
        } finally {
            a.close().get();
            b.close().get();
        }
    }

    @Test
    void apnsExpiredProviderTokensRefuseOneKeyUntilTheFaultEndsAndANewTokenIsSigned() throws Exception {
        ApnsAuthKey expiring = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        ApnsAuthKey other = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        ApnsClient a = client(expiring);
        ApnsClient b = client(other);
        try {
            assertThat(send(a).isAccepted()).isTrue();
            apns.injectKeyFault(expiring.keyId(), ApnsFault.expiredProviderToken(Duration.ofSeconds(2)));

            assertThat(send(a).getRejectionReason()).contains("ExpiredProviderToken");
            assertThat(send(b).isAccepted()).isTrue();

            // pushy closes the connection on ExpiredProviderToken and signs a new token on the next one
            awaitTrue(() -> sendQuietly(a));
            assertThat(apns.faultedSends(expiring.keyId())).isPositive();
        } finally {
            a.close().get();
            b.close().get();
        }
    }

    @Test
    void apnsFailingHandshakesCloseOneKeysConnectionsWhileOthersOpenOnesCarryOn() throws Exception {
        ApnsAuthKey cut = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        ApnsAuthKey other = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        ApnsClient a = client(cut);
        ApnsClient b = client(other);
        try {
            assertThat(send(a).isAccepted()).isTrue();
            assertThat(send(b).isAccepted()).isTrue();
            long failedBefore = apns.failedHandshakes();
            apns.injectKeyFault(cut.keyId(), ApnsFault.tlsHandshakeFailure(Duration.ofMinutes(1)));

            awaitTrue(() -> {
                try {
                    send(a);
                    return false;
                } catch (ExecutionException e) {
                    return causes(e).stream().anyMatch(cause -> cause instanceof javax.net.ssl.SSLException);
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(apns.failedHandshakes()).isGreaterThan(failedBefore);
            assertThat(send(b).isAccepted()).isTrue();

            apns.clearKeyFault(cut.keyId());
            awaitTrue(() -> sendQuietly(a));
        } finally {
            a.close().get();
            b.close().get();
        }
    }

    @Test
    void apnsSlowAnswersComeLateForOneKeyWhileAnotherKeysComeFirst() throws Exception {
        ApnsAuthKey slow = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        ApnsAuthKey other = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        ApnsClient a = client(slow);
        ApnsClient b = client(other);
        try {
            assertThat(send(a).isAccepted()).isTrue();
            assertThat(send(b).isAccepted()).isTrue();
            apns.injectKeyFault(slow.keyId(), ApnsFault.slow(Duration.ofMinutes(1), Duration.ofSeconds(3)));
            String lateToken = ApnsEmulatorIntegrationTests.hexToken();

            long sent = System.nanoTime();
            CompletableFuture<Long> late = a.sendNotification(new SimpleApnsPushNotification(lateToken, TOPIC, PAYLOAD))
                    .thenApply(response -> {
                        assertThat(response.isAccepted()).isTrue();
                        return System.nanoTime();
                    });
            assertThat(send(b).isAccepted()).isTrue();
            long otherAnswered = System.nanoTime();
            long lateAnswered = late.get(20, TimeUnit.SECONDS);

            // the other key's answer, sent after, comes before; the slow key's at least the latency late
            assertThat(otherAnswered).isLessThan(lateAnswered);
            assertThat(Duration.ofNanos(lateAnswered - sent)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
            // the notification itself was taken at once
            assertThat(apns.notificationsTo(lateToken)).hasSize(1);
            assertThat(apns.notificationsTo(lateToken).get(0).receivedAt())
                    .isBefore(Instant.now().minusSeconds(2));
            assertThat(apns.faultedSends(slow.keyId())).isEqualTo(1);

            apns.clearKeyFault(slow.keyId());
            long quick = System.nanoTime();
            assertThat(send(a).isAccepted()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - quick)).isLessThan(Duration.ofSeconds(3));
        } finally {
            a.close().get();
            b.close().get();
        }
    }

    @Test
    void apnsResetCutsOneKeysAnswerMidwayAndNothingIsAccepted() throws Exception {
        ApnsAuthKey cut = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        ApnsAuthKey other = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        ApnsClient a = client(cut);
        ApnsClient b = client(other);
        try {
            assertThat(send(a).isAccepted()).isTrue();
            apns.injectKeyFault(cut.keyId(), ApnsFault.reset(Duration.ofMinutes(1)));
            String token = ApnsEmulatorIntegrationTests.hexToken();

            // pushy: the send fails (its stream closed before a reply), and nothing was accepted
            assertThatThrownBy(() -> a.sendNotification(new SimpleApnsPushNotification(token, TOPIC, PAYLOAD))
                            .get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
            assertThat(apns.notificationsTo(token)).isEmpty();
            assertThat(apns.rejections()).noneMatch(rejection -> token.equals(rejection.deviceToken()));
            assertThat(send(b).isAccepted()).isTrue();

            // on the wire: the answer's first bytes (no whole HEADERS frame), then a TCP reset
            RawHttp2.Answer answer = RawHttp2.send(apns, cut, TOPIC, ApnsEmulatorIntegrationTests.hexToken(), PAYLOAD);
            assertThat(answer.failure()).isNotNull();
            assertThat(RawHttp2.causes(answer.failure()))
                    .anySatisfy(cause ->
                            assertThat(String.valueOf(cause.getMessage())).containsIgnoringCase("reset"));
            assertThat(answer.headersFrames()).isZero();
            assertThat(answer.trailingBytes()).isPositive();
            assertThat(apns.faultedSends(cut.keyId())).isEqualTo(2);

            apns.clearKeyFault(cut.keyId());
            awaitTrue(() -> sendQuietly(a));
        } finally {
            a.close().get();
            b.close().get();
        }
    }

    private static ApnsClient client(ApnsAuthKey key) throws Exception {
        return new ApnsClientBuilder()
                .setApnsServer("localhost", apns.port())
                .setTrustedServerCertificateChain(apns.serverCertificate())
                .setSigningKey(key.signingKey())
                .setEventLoopGroup(clientLoop)
                .build();
    }

    private static PushNotificationResponse<SimpleApnsPushNotification> send(ApnsClient client) throws Exception {
        return client.sendNotification(
                        new SimpleApnsPushNotification(ApnsEmulatorIntegrationTests.hexToken(), TOPIC, PAYLOAD))
                .get(20, TimeUnit.SECONDS);
    }

    private static boolean sendQuietly(ApnsClient client) {
        try {
            return send(client).isAccepted();
        } catch (Exception e) {
            return false;
        }
    }

    private static java.util.List<Throwable> causes(Throwable failure) {
        java.util.List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
            chain.add(cause);
        }
        return chain;
    }

    /** Waits up to 30 s for {@code condition}, polling every 100 ms. */
    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the condition did not hold within 30 s");
            }
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> send(String project, String deviceToken, Duration timeout) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        fcm.baseUri().resolve("/v1/projects/" + project + "/messages:send"))
                .header("Authorization", "Bearer " + ACCESS_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":{\"token\":\"" + deviceToken + "\"}}"));
        if (timeout != null) {
            request.timeout(timeout);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String control(String method, String path, String body, int expectedStatus) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(fcm.baseUri().resolve(path))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return response.body();
    }
}
