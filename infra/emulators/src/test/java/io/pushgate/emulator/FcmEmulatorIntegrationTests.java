package io.pushgate.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.firebase.ErrorCode;
import com.google.firebase.FirebaseApp;
import com.google.firebase.messaging.AndroidConfig;
import com.google.firebase.messaging.ApnsConfig;
import com.google.firebase.messaging.Aps;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.MessagingErrorCode;
import com.google.firebase.messaging.Notification;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** firebase-admin 9 against the FCM emulator over a real socket. */
class FcmEmulatorIntegrationTests {

    private static FcmEmulator emulator;
    private static FcmServiceAccount account;
    private FirebaseApp app;
    private FirebaseMessaging messaging;

    @BeforeAll
    static void startEmulator() {
        emulator = FcmEmulator.start();
        account = emulator.mintServiceAccount("pushgate-test");
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @BeforeEach
    void newApp() {
        emulator.reset();
        app = TestFirebaseApps.withServiceAccount(emulator, account);
        messaging = TestFirebaseApps.messaging(app);
    }

    @AfterEach
    void deleteApp() {
        app.delete();
    }

    @Test
    void androidDataOnlyMessageArrivesExactlyAsSent() throws Exception {
        String token = deviceToken();
        Message message = to(token)
                .putData("axp.eventId", "evt-1")
                .putData("axp.sessionId", "session-1")
                .putData("axp.attempt", "1")
                .setAndroidConfig(AndroidConfig.builder()
                        .setPriority(AndroidConfig.Priority.HIGH)
                        .setTtl(Duration.ofMinutes(10).toMillis())
                        .setCollapseKey("evt-1")
                        .build())
                .build();

        String name = messaging.send(message);

        List<FcmMessage> received = emulator.messagesTo(token);
        assertThat(received).hasSize(1);
        FcmMessage arrived = received.get(0);
        assertThat(name).isEqualTo(arrived.name()).startsWith("projects/pushgate-test/messages/");
        assertThat(arrived.projectId()).isEqualTo("pushgate-test");
        assertThat(arrived.sentBy()).isEqualTo(account.clientEmail());
        JsonNode sent = arrived.message();
        assertThat(sent.get("token").asString()).isEqualTo(token);
        assertThat(sent.get("data").properties()).hasSize(3);
        assertThat(sent.at("/data/axp.eventId").asString()).isEqualTo("evt-1");
        assertThat(sent.at("/data/axp.sessionId").asString()).isEqualTo("session-1");
        assertThat(sent.at("/data/axp.attempt").asString()).isEqualTo("1");
        assertThat(sent.has("notification")).isFalse();
        assertThat(sent.at("/android/priority").asString()).isEqualTo("high");
        assertThat(sent.at("/android/ttl").asString()).isEqualTo("600s");
        assertThat(sent.at("/android/collapse_key").asString()).isEqualTo("evt-1");
    }

    @Test
    void iosMessageKeepsNotificationAndMutableContent() throws Exception {
        String token = deviceToken();
        Message message = to(token)
                .setNotification(Notification.builder()
                        .setTitle("Agent replied")
                        .setBody("Tap to continue")
                        .build())
                .putData("axp.eventId", "evt-2")
                .setApnsConfig(ApnsConfig.builder()
                        .putHeader("apns-priority", "10")
                        .putHeader("apns-collapse-id", "evt-2")
                        .setAps(Aps.builder().setMutableContent(true).build())
                        .build())
                .build();

        messaging.send(message);

        JsonNode sent = emulator.messagesTo(token).get(0).message();
        assertThat(sent.at("/notification/title").asString()).isEqualTo("Agent replied");
        assertThat(sent.at("/notification/body").asString()).isEqualTo("Tap to continue");
        assertThat(sent.at("/data/axp.eventId").asString()).isEqualTo("evt-2");
        assertThat(sent.at("/apns/headers/apns-priority").asString()).isEqualTo("10");
        assertThat(sent.at("/apns/headers/apns-collapse-id").asString()).isEqualTo("evt-2");
        assertThat(sent.at("/apns/payload/aps/mutable-content").asInt()).isEqualTo(1);
    }

    @Test
    void aStaticAccessTokenTheEmulatorWasToldAboutIsAccepted() throws Exception {
        String accessToken = "sandbox-" + UUID.randomUUID();
        emulator.acceptAccessToken(accessToken);
        FirebaseApp sandbox = TestFirebaseApps.withAccessToken(emulator, "tenant-sandbox", accessToken);
        try {
            String token = deviceToken();
            TestFirebaseApps.messaging(sandbox).send(to(token).putData("k", "v").build());
            assertThat(emulator.messagesTo(token)).singleElement().satisfies(arrived -> {
                assertThat(arrived.projectId()).isEqualTo("tenant-sandbox");
                assertThat(arrived.sentBy()).isNull();
            });
        } finally {
            sandbox.delete();
        }
    }

    @Test
    void anUnknownAccessTokenIsRefusedAsUnauthenticated() {
        FirebaseApp stranger = TestFirebaseApps.withAccessToken(emulator, "pushgate-test", "not-issued");
        try {
            FirebaseMessagingException e = catchThrowableOfType(
                    FirebaseMessagingException.class,
                    () -> TestFirebaseApps.messaging(stranger).send(message(deviceToken())));
            assertThat(e.getErrorCode()).isEqualTo(ErrorCode.UNAUTHENTICATED);
            assertThat(e.getHttpResponse().getStatusCode()).isEqualTo(401);
            assertThat(emulator.messages()).isEmpty();
        } finally {
            stranger.delete();
        }
    }

    @Test
    void aServiceAccountOfAnotherProjectIsDenied() {
        FirebaseApp other = TestFirebaseApps.withServiceAccount(emulator, emulator.mintServiceAccount("other"));
        try {
            // the app of project "other", aimed at project "pushgate-test" by its options
            FirebaseApp misdirected = com.google.firebase.FirebaseApp.initializeApp(
                    other.getOptions().toBuilder().setProjectId("pushgate-test").build(),
                    "misdirected-" + UUID.randomUUID());
            try {
                FirebaseMessagingException e = catchThrowableOfType(
                        FirebaseMessagingException.class,
                        () -> TestFirebaseApps.messaging(misdirected).send(message(deviceToken())));
                assertThat(e.getErrorCode()).isEqualTo(ErrorCode.PERMISSION_DENIED);
                assertThat(e.getMessagingErrorCode()).isNull();
            } finally {
                misdirected.delete();
            }
        } finally {
            other.delete();
        }
    }

    static Stream<Arguments> errorCodes() {
        return Stream.of(
                Arguments.of(FcmErrorCode.UNREGISTERED, MessagingErrorCode.UNREGISTERED, ErrorCode.NOT_FOUND, 404),
                Arguments.of(
                        FcmErrorCode.INVALID_ARGUMENT,
                        MessagingErrorCode.INVALID_ARGUMENT,
                        ErrorCode.INVALID_ARGUMENT,
                        400),
                Arguments.of(
                        FcmErrorCode.SENDER_ID_MISMATCH,
                        MessagingErrorCode.SENDER_ID_MISMATCH,
                        ErrorCode.PERMISSION_DENIED,
                        403),
                Arguments.of(
                        FcmErrorCode.QUOTA_EXCEEDED,
                        MessagingErrorCode.QUOTA_EXCEEDED,
                        ErrorCode.RESOURCE_EXHAUSTED,
                        429),
                Arguments.of(FcmErrorCode.UNAVAILABLE, MessagingErrorCode.UNAVAILABLE, ErrorCode.UNAVAILABLE, 503),
                Arguments.of(FcmErrorCode.INTERNAL, MessagingErrorCode.INTERNAL, ErrorCode.INTERNAL, 500),
                // FCM answers THIRD_PARTY_AUTH_ERROR with 401; over NetHttpTransport the JDK's HttpURLConnection
                // drops the body of a 401 to a streamed POST, so firebase-admin sees only the status
                Arguments.of(FcmErrorCode.THIRD_PARTY_AUTH_ERROR, null, ErrorCode.UNAUTHENTICATED, 401));
    }

    @ParameterizedTest
    @MethodSource("errorCodes")
    void eachInjectedErrorReachesFirebaseAdminAsItsMessagingErrorCode(
            FcmErrorCode injected, MessagingErrorCode expected, ErrorCode status, int httpStatus) {
        String token = deviceToken();
        // firebase-admin itself retries a 503 four times; Retry-After: 0 keeps that quick
        emulator.injectFailure(token, FcmFailure.always(injected).withRetryAfter(Duration.ZERO));

        FirebaseMessagingException e =
                catchThrowableOfType(FirebaseMessagingException.class, () -> messaging.send(message(token)));

        assertThat(e.getMessagingErrorCode()).isEqualTo(expected);
        assertThat(e.getErrorCode()).isEqualTo(status);
        assertThat(e.getHttpResponse().getStatusCode()).isEqualTo(httpStatus);
        assertThat(emulator.messagesTo(token)).isEmpty();
    }

    @Test
    void anUnregisteredTokenAnswersUnregistered() {
        String token = deviceToken();
        emulator.unregister(token);

        FirebaseMessagingException e =
                catchThrowableOfType(FirebaseMessagingException.class, () -> messaging.send(message(token)));

        assertThat(e.getMessagingErrorCode()).isEqualTo(MessagingErrorCode.UNREGISTERED);
    }

    @Test
    void aTokenOfAnotherSenderAnswersSenderIdMismatch() {
        String token = deviceToken();
        emulator.bindToken(token, "someone-else");

        FirebaseMessagingException e =
                catchThrowableOfType(FirebaseMessagingException.class, () -> messaging.send(message(token)));

        assertThat(e.getMessagingErrorCode()).isEqualTo(MessagingErrorCode.SENDER_ID_MISMATCH);
    }

    @Test
    void quotaExceededCarriesRetryAfter() {
        String token = deviceToken();
        emulator.injectFailure(
                token, FcmFailure.times(FcmErrorCode.QUOTA_EXCEEDED, 1).withRetryAfter(Duration.ofSeconds(30)));

        FirebaseMessagingException e =
                catchThrowableOfType(FirebaseMessagingException.class, () -> messaging.send(message(token)));

        assertThat(e.getMessagingErrorCode()).isEqualTo(MessagingErrorCode.QUOTA_EXCEEDED);
        assertThat(e.getHttpResponse().getHeaders().get("retry-after")).hasToString("[30]");
    }

    @Test
    void quotaExceededHasADefaultRetryAfter() {
        String token = deviceToken();
        emulator.injectFailure(token, FcmFailure.times(FcmErrorCode.QUOTA_EXCEEDED, 1));

        FirebaseMessagingException e =
                catchThrowableOfType(FirebaseMessagingException.class, () -> messaging.send(message(token)));

        assertThat(e.getHttpResponse().getHeaders().get("retry-after")).hasToString("[60]");
    }

    @Test
    void aFailureInjectedNTimesFailsNSendsThenTheMessageArrives() throws Exception {
        String token = deviceToken();
        emulator.injectFailure(token, FcmFailure.times(FcmErrorCode.INTERNAL, 2));

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> messaging.send(message(token)))
                    .isInstanceOfSatisfying(
                            FirebaseMessagingException.class,
                            e -> assertThat(e.getMessagingErrorCode()).isEqualTo(MessagingErrorCode.INTERNAL));
        }
        messaging.send(message(token));

        assertThat(emulator.messagesTo(token)).hasSize(1);
        assertThat(emulator.sendAttempts(token)).isEqualTo(3);
    }

    @Test
    void firebaseAdminsOwnRetryOfUnavailableGetsThrough() throws Exception {
        String token = deviceToken();
        emulator.injectFailure(
                token, FcmFailure.times(FcmErrorCode.UNAVAILABLE, 2).withRetryAfter(Duration.ZERO));

        messaging.send(message(token));

        assertThat(emulator.messagesTo(token)).hasSize(1);
        assertThat(emulator.sendAttempts(token)).isEqualTo(3);
    }

    @Test
    void aRevokedServiceAccountGetsNoAccessToken() {
        FcmServiceAccount revoked = emulator.mintServiceAccount("pushgate-test");
        emulator.revokeServiceAccount(revoked);
        FirebaseApp stranger = TestFirebaseApps.withServiceAccount(emulator, revoked);
        try {
            FirebaseMessagingException e = catchThrowableOfType(
                    FirebaseMessagingException.class,
                    () -> TestFirebaseApps.messaging(stranger).send(message(deviceToken()), true));
            assertThat(e).rootCause().hasMessageContaining("invalid_grant");
            assertThat(emulator.messages()).isEmpty();
        } finally {
            stranger.delete();
        }
    }

    @Test
    void aDryRunIsValidatedButNotRecorded() throws Exception {
        String name = messaging.send(message(deviceToken()), true);

        assertThat(name).isEqualTo("projects/pushgate-test/messages/fake_message_id");
        assertThat(emulator.messages()).isEmpty();
    }

    @Test
    void messagesAreListedNewestFirstAndCleared() throws Exception {
        String first = deviceToken();
        String second = deviceToken();
        messaging.send(message(first));
        messaging.send(message(second));

        assertThat(emulator.messages()).extracting(FcmMessage::deviceToken).containsExactly(second, first);
        assertThat(emulator.messages("pushgate-test", first, 10, Long.MAX_VALUE))
                .extracting(FcmMessage::deviceToken)
                .containsExactly(first);

        emulator.clearMessages();
        assertThat(emulator.messages()).isEmpty();
    }

    /** A message builder aimed at an FCM registration token ({@code setToken}, deprecated in 9.11 for FIDs). */
    @SuppressWarnings("deprecation")
    static Message.Builder to(String token) {
        return Message.builder().setToken(token);
    }

    @Test
    void aFirebaseInstallationIdIsATargetToo() throws Exception {
        String fid = "fid" + UUID.randomUUID().toString().replace("-", "");
        messaging.send(Message.builder().setFid(fid).putData("k", "v").build());

        assertThat(emulator.messagesTo(fid))
                .singleElement()
                .satisfies(arrived ->
                        assertThat(arrived.message().get("fid").asString()).isEqualTo(fid));
    }

    private static Message message(String token) {
        return to(token).putData("axp.eventId", "evt").build();
    }

    static String deviceToken() {
        return "fcm-" + UUID.randomUUID() + ":APA91b"
                + UUID.randomUUID().toString().replace("-", "");
    }
}
