package io.pushgate.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** pushy 0.15's ApnsClient against the APNs emulator over TLS and HTTP/2. */
class ApnsEmulatorIntegrationTests {

    private static final String TOPIC = "io.pushgate.demo";
    private static final String PAYLOAD =
            "{\"aps\":{\"alert\":{\"title\":\"Agent replied\",\"body\":\"Tap to continue\"}},\"axp.eventId\":\"evt-1\"}";

    private static ApnsEmulator emulator;
    // one event loop for every client: each closing its own would wait out Netty's quiet period
    private static EventLoopGroup clientLoop;
    private ApnsAuthKey key;
    private ApnsClient client;

    @BeforeAll
    @SuppressWarnings("deprecation") // pushy picks its channel class by the group's class; it knows NioEventLoopGroup
    static void startEmulator() {
        emulator = ApnsEmulator.start();
        clientLoop = new io.netty.channel.nio.NioEventLoopGroup(1);
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
        clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void newClient() throws Exception {
        emulator.clearRecords();
        key = emulator.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        client = client(key);
    }

    @AfterEach
    void closeClient() throws Exception {
        client.close().get();
    }

    private static ApnsClient client(ApnsAuthKey key) throws Exception {
        return new ApnsClientBuilder()
                .setApnsServer("localhost", emulator.port())
                .setTrustedServerCertificateChain(emulator.serverCertificate())
                .setSigningKey(key.signingKey())
                .setEventLoopGroup(clientLoop)
                .build();
    }

    @Test
    void aValidNotificationIsAcceptedAndRecordedWithItsHeaders() throws Exception {
        String token = registeredToken();
        UUID apnsId = UUID.randomUUID();
        Instant expiration = Instant.now().plus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);

        PushNotificationResponse<SimpleApnsPushNotification> response = client.sendNotification(
                        new SimpleApnsPushNotification(
                                token,
                                TOPIC,
                                PAYLOAD,
                                expiration,
                                DeliveryPriority.IMMEDIATE,
                                PushType.ALERT,
                                "evt-1",
                                apnsId))
                .get();

        assertThat(response.isAccepted()).isTrue();
        assertThat(response.getApnsId()).isEqualTo(apnsId);
        assertThat(emulator.notificationsTo(token)).singleElement().satisfies(arrived -> {
            assertThat(arrived.topic()).isEqualTo(TOPIC);
            assertThat(arrived.apnsId()).isEqualTo(apnsId.toString());
            assertThat(arrived.collapseId()).isEqualTo("evt-1");
            assertThat(arrived.priority()).isEqualTo(10);
            assertThat(arrived.pushType()).isEqualTo("alert");
            assertThat(arrived.expiration()).isEqualTo(expiration);
            assertThat(arrived.payload()).isEqualTo(PAYLOAD);
            assertThat(arrived.payloadJson().at("/aps/alert/title").asString()).isEqualTo("Agent replied");
        });
    }

    @Test
    void aMalformedDeviceTokenIsRejectedAsBadDeviceToken() throws Exception {
        String token = hexToken().substring(1);

        PushNotificationResponse<SimpleApnsPushNotification> response = send(token, TOPIC);

        assertThat(response.isAccepted()).isFalse();
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getRejectionReason()).contains("BadDeviceToken");
        assertThat(emulator.rejections())
                .first()
                .satisfies(rejection -> assertThat(rejection.reason()).isEqualTo(RejectionReason.BAD_DEVICE_TOKEN));
    }

    @Test
    void anUnregisteredDeviceTokenIsRejectedWithItsTimestamp() throws Exception {
        String token = registeredToken();
        Instant invalidatedAt = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        emulator.unregisterDevice(token, invalidatedAt);

        PushNotificationResponse<SimpleApnsPushNotification> response = send(token, TOPIC);

        assertThat(response.getStatusCode()).isEqualTo(410);
        assertThat(response.getRejectionReason()).contains("Unregistered");
        assertThat(response.getTokenInvalidationTimestamp()).contains(invalidatedAt);
        assertThat(emulator.notificationsTo(token)).isEmpty();
    }

    @Test
    void aTopicTheDeviceIsNotRegisteredForIsRejected() throws Exception {
        String token = registeredToken();
        emulator.registerAuthKey(key, TOPIC, "io.pushgate.other");

        PushNotificationResponse<SimpleApnsPushNotification> response = send(token, "io.pushgate.other");

        assertThat(response.getRejectionReason()).contains("DeviceTokenNotForTopic");
    }

    @Test
    void aTopicTheKeyMayNotSendToIsRejectedAsTopicDisallowed() throws Exception {
        String token = hexToken();
        emulator.registerDevice("io.pushgate.foreign", token);

        PushNotificationResponse<SimpleApnsPushNotification> response = send(token, "io.pushgate.foreign");

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getRejectionReason()).contains("TopicDisallowed");
        assertThat(emulator.notificationsTo(token)).isEmpty();
    }

    @Test
    void aWellFormedTokenTheEmulatorNeverIssuedIsABadDeviceToken() throws Exception {
        String token = hexToken();

        PushNotificationResponse<SimpleApnsPushNotification> response = send(token, TOPIC);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getRejectionReason()).contains("BadDeviceToken");
    }

    @Test
    void theProviderTokenIsCheckedBeforeTheDeviceToken() throws Exception {
        emulator.revokeKey(key.keyId());

        PushNotificationResponse<SimpleApnsPushNotification> response = send(hexToken(), TOPIC);

        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(response.getRejectionReason()).contains("InvalidProviderToken");
    }

    @Test
    void aKeySignedForAnotherTeamIsRejected() throws Exception {
        String token = registeredToken();
        ApnsAuthKey otherTeam =
                new ApnsAuthKey(ApnsAuthKey.randomId(), key.keyId(), key.privateKeyPem(), key.publicKey());
        ApnsClient stranger = client(otherTeam);
        try {
            PushNotificationResponse<SimpleApnsPushNotification> response = stranger.sendNotification(
                            new SimpleApnsPushNotification(token, TOPIC, PAYLOAD))
                    .get();

            assertThat(response.getStatusCode()).isEqualTo(403);
            assertThat(response.getRejectionReason()).contains("InvalidProviderToken");
        } finally {
            stranger.close().get();
        }
    }

    @Test
    void aKeyTheEmulatorDoesNotKnowIsRejected() throws Exception {
        String token = registeredToken();
        ApnsClient stranger = client(ApnsAuthKey.mint(key.teamId()));
        try {
            PushNotificationResponse<SimpleApnsPushNotification> response = stranger.sendNotification(
                            new SimpleApnsPushNotification(token, TOPIC, PAYLOAD))
                    .get();

            assertThat(response.getRejectionReason()).contains("InvalidProviderToken");
        } finally {
            stranger.close().get();
        }
    }

    @Test
    void anInjectedTooManyRequestsRejectsTheGivenNumberOfSends() throws Exception {
        String token = registeredToken();
        emulator.injectRejection(token, RejectionReason.TOO_MANY_REQUESTS, 1);

        PushNotificationResponse<SimpleApnsPushNotification> first = send(token, TOPIC);
        PushNotificationResponse<SimpleApnsPushNotification> second = send(token, TOPIC);

        assertThat(first.getStatusCode()).isEqualTo(429);
        assertThat(first.getRejectionReason()).contains("TooManyRequests");
        assertThat(second.isAccepted()).isTrue();
        assertThat(emulator.notificationsTo(token)).hasSize(1);
    }

    /**
     * pushy's response has no headers, so the client reads them as HTTP/2 frames arrive: every
     * answer's {@code retry-after}, by its {@code apns-id}.
     */
    @Test
    void anInjectedTooManyRequestsCarriesItsRetryAfterOnlyWhereGiven() throws Exception {
        String throttled = registeredToken();
        String plain = registeredToken();
        emulator.injectRejection(throttled, RejectionReason.TOO_MANY_REQUESTS, 2, java.time.Duration.ofSeconds(42));
        emulator.injectRejection(plain, RejectionReason.TOO_MANY_REQUESTS, 1);
        java.util.Map<String, String> retryAfterByApnsId = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.List<String> answered = new java.util.concurrent.CopyOnWriteArrayList<>();
        ApnsClient reading = new ApnsClientBuilder()
                .setApnsServer("localhost", emulator.port())
                .setTrustedServerCertificateChain(emulator.serverCertificate())
                .setSigningKey(key.signingKey())
                .setEventLoopGroup(clientLoop)
                .setFrameLogger(
                        new io.netty.handler.codec.http2.Http2FrameLogger(io.netty.handler.logging.LogLevel.TRACE) {
                            @Override
                            public void logHeaders(
                                    Direction direction,
                                    io.netty.channel.ChannelHandlerContext ctx,
                                    int streamId,
                                    io.netty.handler.codec.http2.Http2Headers headers,
                                    int padding,
                                    boolean endStream) {
                                if (direction == Direction.INBOUND && headers.get("apns-id") != null) {
                                    answered.add(headers.get("apns-id").toString());
                                    CharSequence retryAfter = headers.get("retry-after");
                                    if (retryAfter != null) {
                                        retryAfterByApnsId.put(
                                                headers.get("apns-id").toString(), retryAfter.toString());
                                    }
                                }
                            }
                        })
                .build();
        try {
            PushNotificationResponse<SimpleApnsPushNotification> first = reading.sendNotification(
                            new SimpleApnsPushNotification(throttled, TOPIC, PAYLOAD))
                    .get();
            PushNotificationResponse<SimpleApnsPushNotification> unthrottled = reading.sendNotification(
                            new SimpleApnsPushNotification(plain, TOPIC, PAYLOAD))
                    .get();
            PushNotificationResponse<SimpleApnsPushNotification> second = reading.sendNotification(
                            new SimpleApnsPushNotification(throttled, TOPIC, PAYLOAD))
                    .get();
            PushNotificationResponse<SimpleApnsPushNotification> third = reading.sendNotification(
                            new SimpleApnsPushNotification(throttled, TOPIC, PAYLOAD))
                    .get();

            assertThat(first.getStatusCode()).isEqualTo(429);
            assertThat(first.getRejectionReason()).contains("TooManyRequests");
            assertThat(retryAfterByApnsId).containsEntry(first.getApnsId().toString(), "42");
            assertThat(retryAfterByApnsId).containsEntry(second.getApnsId().toString(), "42");
            assertThat(unthrottled.getStatusCode()).isEqualTo(429);
            assertThat(retryAfterByApnsId)
                    .doesNotContainKey(unthrottled.getApnsId().toString());
            assertThat(third.isAccepted()).isTrue();
            assertThat(retryAfterByApnsId).doesNotContainKey(third.getApnsId().toString());
            assertThat(answered).hasSize(4);
        } finally {
            reading.close().get();
        }
        assertThatThrownBy(() -> emulator.injectRejection(
                        plain, RejectionReason.TOO_MANY_REQUESTS, 1, java.time.Duration.ofMillis(1500)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOpenEmulatorAcceptsAnyWellFormedToken() throws Exception {
        try (ApnsEmulator open = ApnsEmulator.start(0, true)) {
            ApnsAuthKey openKey = open.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
            ApnsClient openClient = new ApnsClientBuilder()
                    .setApnsServer("localhost", open.port())
                    .setTrustedServerCertificateChain(open.serverCertificate())
                    .setSigningKey(openKey.signingKey())
                    .setEventLoopGroup(clientLoop)
                    .build();
            try {
                String token = hexToken();
                assertThat(openClient
                                .sendNotification(new SimpleApnsPushNotification(token, TOPIC, PAYLOAD))
                                .get()
                                .isAccepted())
                        .isTrue();
                assertThat(open.notificationsTo(token)).hasSize(1);
            } finally {
                openClient.close().get();
            }
        }
    }

    @Test
    void aCertificateOfTheEmulatorsAuthorityIsAcceptedForItsTopicOnly() throws Exception {
        ApnsClient certified = certificateClient(emulator.mintCertificate(TOPIC));
        try {
            String token = registeredToken();
            emulator.registerDevice("io.pushgate.other", token);
            assertThat(certified
                            .sendNotification(new SimpleApnsPushNotification(token, TOPIC, PAYLOAD))
                            .get()
                            .isAccepted())
                    .isTrue();
            assertThat(emulator.notificationsTo(token)).hasSize(1);
            assertThat(certified
                            .sendNotification(new SimpleApnsPushNotification(token, "io.pushgate.other", PAYLOAD))
                            .get()
                            .getRejectionReason())
                    .contains("BadTopic");
        } finally {
            certified.close().get();
        }
    }

    @Test
    void anExpiredCertificateIsRefusedAtTheHandshake() throws Exception {
        Instant now = Instant.now();
        ApnsCertificate expired = emulator.certificateAuthority()
                .issue(TOPIC, now.minus(400, ChronoUnit.DAYS), now.minus(1, ChronoUnit.DAYS), true, true);
        assertRefusedAtTheHandshake(expired);
    }

    @Test
    void aCertificateOfAnotherAuthorityIsRefusedAtTheHandshake() throws Exception {
        assertRefusedAtTheHandshake(ApnsCertificateAuthority.create("Not Apple").issue(TOPIC));
    }

    private void assertRefusedAtTheHandshake(ApnsCertificate certificate) throws Exception {
        ApnsClient refused = certificateClient(certificate);
        try {
            String token = registeredToken();
            assertThatThrownBy(() -> refused.sendNotification(new SimpleApnsPushNotification(token, TOPIC, PAYLOAD))
                            .get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .satisfies(failure -> assertThat(causes(failure))
                            .anySatisfy(cause -> assertThat(cause).isInstanceOf(SSLException.class)));
            assertThat(emulator.notificationsTo(token)).isEmpty();
        } finally {
            refused.close().get();
        }
    }

    private static java.util.List<Throwable> causes(Throwable failure) {
        java.util.List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
            chain.add(cause);
        }
        return chain;
    }

    private static ApnsClient certificateClient(ApnsCertificate certificate) throws Exception {
        return new ApnsClientBuilder()
                .setApnsServer("localhost", emulator.port())
                .setTrustedServerCertificateChain(emulator.serverCertificate())
                .setClientCredentials(new ByteArrayInputStream(certificate.p12()), certificate.password())
                .setEventLoopGroup(clientLoop)
                .build();
    }

    private PushNotificationResponse<SimpleApnsPushNotification> send(String token, String topic) throws Exception {
        return client.sendNotification(new SimpleApnsPushNotification(token, topic, PAYLOAD))
                .get();
    }

    private static String registeredToken() {
        String token = hexToken();
        emulator.registerDevice(TOPIC, token);
        return token;
    }

    static String hexToken() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
