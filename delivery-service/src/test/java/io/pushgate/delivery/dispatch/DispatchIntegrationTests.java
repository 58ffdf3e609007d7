package io.pushgate.delivery.dispatch;

import static io.pushgate.delivery.dispatch.DeliveryFixtures.awaitFinished;
import static io.pushgate.delivery.dispatch.DeliveryFixtures.callback;
import static io.pushgate.delivery.dispatch.DeliveryFixtures.event;
import static io.pushgate.delivery.dispatch.DeliveryFixtures.notificationId;
import static org.assertj.core.api.Assertions.assertThat;

import com.eatthepath.pushy.apns.server.RejectionReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.api.axp.AxpEvent;
import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.delivery.readapi.NotificationDetails;
import io.pushgate.delivery.readapi.NotificationQueries;
import io.pushgate.delivery.sandbox.SandboxMessagePage;
import io.pushgate.delivery.sandbox.SandboxMessages;
import io.pushgate.emulator.ApnsAuthKey;
import io.pushgate.emulator.ApnsCertificate;
import io.pushgate.emulator.ApnsCertificateAuthority;
import io.pushgate.emulator.ApnsEmulator;
import io.pushgate.emulator.ApnsNotification;
import io.pushgate.emulator.FcmEmulator;
import io.pushgate.emulator.FcmErrorCode;
import io.pushgate.emulator.FcmFailure;
import io.pushgate.emulator.FcmServiceAccount;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Delivery end to end, with the real firebase-admin and pushy clients talking to the emulators over
 * real sockets, and real PostgreSQL: what arrived, and what was recorded.
 */
@DeliveryServiceTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "pushgate.dispatch.enabled=true",
            "pushgate.dispatch.initial-backoff=100ms",
            "pushgate.dispatch.sweep-interval=200ms",
            "pushgate.providers.send-timeout=5s"
        })
// its emulators stop with the class: so must its dispatcher, or it would take other tests' notifications
@DirtiesContext
class DispatchIntegrationTests {

    private static final String SANDBOX_TOKEN = "sandbox-" + UUID.randomUUID();
    private static final String TOPIC = "io.pushgate.demo";
    private static final FcmEmulator fcm = FcmEmulator.start();
    private static final ApnsEmulator apns = ApnsEmulator.start();

    @LocalServerPort
    int port;

    @Autowired
    NotificationQueries queries;

    @Autowired
    SandboxMessages sandboxMessages;

    @Autowired
    MeterRegistry meters;

    TestConfigurations.Inserted configuration;

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry properties) {
        properties.add("pushgate.providers.fcm-url", () -> fcm.baseUri().toString());
        properties.add("pushgate.providers.apns-server", () -> "https://localhost:" + apns.port());
        properties.add("pushgate.providers.apns-trusted-certificate", apns::serverCertificatePem);
        properties.add("pushgate.sandbox.fcm-url", () -> fcm.baseUri().toString());
        properties.add("pushgate.sandbox.access-token", () -> SANDBOX_TOKEN);
    }

    @BeforeAll
    static void acceptTheSandboxToken() {
        fcm.acceptAccessToken(SANDBOX_TOKEN);
    }

    @AfterAll
    static void stopEmulators() {
        fcm.close();
        apns.close();
    }

    @BeforeEach
    void newTenant() throws Exception {
        configuration = DeliveryFixtures.configuration();
    }

    private UUID fcmTenant() throws Exception {
        FcmServiceAccount account =
                fcm.mintServiceAccount("project-" + UUID.randomUUID().toString().substring(0, 8));
        UUID credential = DeliveryFixtures.fcmCredential(configuration.tenantId(), account);
        DeliveryFixtures.deliverySettings(
                configuration, credential, credential, "Agent replied", "Tap to continue", 600);
        return credential;
    }

    private UUID apnsTenant(ApnsAuthKey key) throws Exception {
        UUID credential = DeliveryFixtures.apnsCredential(configuration.tenantId(), key, TOPIC);
        DeliveryFixtures.deliverySettings(configuration, null, credential, "Agent replied", "Tap to continue", 600);
        return credential;
    }

    private UUID send(AxpEvent event) {
        HttpResponse<String> answer = callback(port, configuration, event);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return notificationId(answer);
    }

    private NotificationDetails details(UUID notificationId) {
        return queries.get(configuration.tenantId(), notificationId).block();
    }

    @Test
    void aSignedCallbackForARegisteredAndroidSessionArrivesOnFcmAsDataOnly() throws Exception {
        fcmTenant();
        String token = DeliveryFixtures.fcmToken();
        DeliveryFixtures.registration(configuration, token, "session-android", "android", "fcm");
        AxpEvent event = event("session-android");

        UUID id = send(event);

        assertThat(awaitFinished(id)).isEqualTo("delivered");
        JsonNode message = fcm.messagesTo(token).get(0).message();
        assertThat(message.get("token").asString()).isEqualTo(token);
        assertThat(message.at("/data/eventId").asString()).isEqualTo(event.eventId());
        assertThat(message.at("/data/sessionId").asString()).isEqualTo("session-android");
        assertThat(message.at("/data/conversationId").asString()).isEqualTo(event.conversationId());
        assertThat(message.at("/data/eventDate").asString()).isEqualTo("2024-03-18T11:00:24.481Z");
        message.get("data")
                .properties()
                .forEach(field -> assertThat(field.getValue().isString()).isTrue());
        assertThat(message.has("notification")).isFalse();
        assertThat(message.at("/android/priority").asString()).isEqualTo("high");
        assertThat(message.at("/android/collapse_key").asString()).isEqualTo(event.conversationId());
        assertThat(fcm.messagesTo(token)).hasSize(1);

        NotificationDetails details = details(id);
        assertThat(details.eventId()).isEqualTo(event.eventId());
        assertThat(details.status()).isEqualTo("delivered");
        assertThat(details.completedAt()).isNotNull();
        assertThat(details.attempts()).singleElement().satisfies(attempt -> {
            assertThat(attempt.provider()).isEqualTo("fcm");
            assertThat(attempt.outcome()).isEqualTo("delivered");
            assertThat(attempt.errorCode()).isNull();
            assertThat(attempt.latencyMs()).isPositive();
        });
    }

    @Test
    void anIosRegistrationThroughFcmGetsTheTemplateAndMutableContent() throws Exception {
        fcmTenant();
        String token = DeliveryFixtures.fcmToken();
        DeliveryFixtures.registration(configuration, token, "session-ios", "ios", "fcm");
        AxpEvent event = event("session-ios");

        assertThat(awaitFinished(send(event))).isEqualTo("delivered");

        JsonNode message = fcm.messagesTo(token).get(0).message();
        assertThat(message.at("/notification/title").asString()).isEqualTo("Agent replied");
        assertThat(message.at("/notification/body").asString()).isEqualTo("Tap to continue");
        assertThat(message.at("/data/eventId").asString()).isEqualTo(event.eventId());
        assertThat(message.at("/data/sessionId").asString()).isEqualTo("session-ios");
        assertThat(message.at("/apns/payload/aps/mutable-content").asInt()).isEqualTo(1);
        assertThat(message.at("/apns/headers/apns-priority").asString()).isEqualTo("10");
        assertThat(message.at("/apns/headers/apns-push-type").asString()).isEqualTo("alert");
        assertThat(message.at("/apns/headers/apns-collapse-id").asString()).isEqualTo(event.conversationId());
    }

    @Test
    void anApnsRegistrationGetsAnAlertWithTheAxpFieldsCollapseIdAndExpiration() throws Exception {
        ApnsAuthKey key = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        apnsTenant(key);
        String token = DeliveryFixtures.apnsToken();
        apns.registerDevice(TOPIC, token);
        DeliveryFixtures.registration(configuration, token, "session-apns", "ios", "apns");
        AxpEvent event = event("session-apns");
        Instant before = Instant.now();

        UUID id = send(event);

        assertThat(awaitFinished(id)).isEqualTo("delivered");
        ApnsNotification arrived = apns.notificationsTo(token).get(0);
        assertThat(arrived.topic()).isEqualTo(TOPIC);
        assertThat(arrived.pushType()).isEqualTo("alert");
        assertThat(arrived.priority()).isEqualTo(10);
        assertThat(arrived.collapseId()).isEqualTo(event.conversationId());
        assertThat(arrived.apnsId()).isEqualTo(id.toString());
        assertThat(arrived.expiration())
                .isBetween(before.plus(Duration.ofMinutes(9)), Instant.now().plus(Duration.ofMinutes(11)));
        JsonNode payload = arrived.payloadJson();
        assertThat(payload.at("/aps/alert/title").asString()).isEqualTo("Agent replied");
        assertThat(payload.at("/aps/alert/body").asString()).isEqualTo("Tap to continue");
        assertThat(payload.at("/aps/mutable-content").asInt()).isEqualTo(1);
        assertThat(payload.get("eventId").asString()).isEqualTo(event.eventId());
        assertThat(payload.get("sessionId").asString()).isEqualTo("session-apns");
        assertThat(payload.get("conversationId").asString()).isEqualTo(event.conversationId());
        assertThat(details(id).attempts())
                .singleElement()
                .satisfies(attempt -> assertThat(attempt.provider()).isEqualTo("apns"));
    }

    @Test
    void anApnsCertificateCredentialDeliversThroughPushyAuthenticatedByItsCertificate() throws Exception {
        UUID credential =
                DeliveryFixtures.apnsCertificateCredential(configuration.tenantId(), apns.mintCertificate(TOPIC));
        DeliveryFixtures.deliverySettings(configuration, null, credential, "Agent replied", "Tap to continue", 600);
        String token = DeliveryFixtures.apnsToken();
        apns.registerDevice(TOPIC, token);
        DeliveryFixtures.registration(configuration, token, "session-p12", "ios", "apns");

        UUID id = send(event("session-p12"));

        assertThat(awaitFinished(id)).isEqualTo("delivered");
        ApnsNotification arrived = apns.notificationsTo(token).get(0);
        assertThat(arrived.topic()).isEqualTo(TOPIC);
        assertThat(arrived.apnsId()).isEqualTo(id.toString());
        assertThat(arrived.payloadJson().at("/aps/alert/title").asString()).isEqualTo("Agent replied");
        assertThat(details(id).attempts()).singleElement().satisfies(attempt -> {
            assertThat(attempt.provider()).isEqualTo("apns");
            assertThat(attempt.outcome()).isEqualTo("delivered");
        });
    }

    /**
     * A certificate APNs does not trust (here: issued by another authority, as a revoked or foreign one
     * would be) is refused at the TLS handshake: one failed attempt that says so, nothing delivered,
     * the device's registration kept (the device is not at fault).
     */
    @Test
    void anUntrustedApnsCertificateIsRefusedAsOneClearFailedAttempt() throws Exception {
        ApnsCertificate foreign = ApnsCertificateAuthority.create("Not Apple").issue(TOPIC);
        UUID credential = DeliveryFixtures.apnsCertificateCredential(configuration.tenantId(), foreign);
        DeliveryFixtures.deliverySettings(configuration, null, credential, "Agent replied", "Tap to continue", 600);
        String token = DeliveryFixtures.apnsToken();
        apns.registerDevice(TOPIC, token);
        UUID registration = DeliveryFixtures.registration(configuration, token, "session-foreign-p12", "ios", "apns");

        UUID id = send(event("session-foreign-p12"));

        assertThat(awaitFinished(id)).isEqualTo("failed");
        assertThat(details(id).attempts()).singleElement().satisfies(attempt -> {
            assertThat(attempt.outcome()).isEqualTo("failed");
            assertThat(attempt.errorCode()).isEqualTo("certificate_refused");
        });
        assertThat(apns.notificationsTo(token)).isEmpty();
        assertThat(invalidatedReason(registration)).isNull();
    }

    /**
     * A registration that names its app (another bundle of the same team) gets its pushes on that
     * topic; the others on the credential's. It names its APNs environment too, which picks the APNs
     * host of its client: not observable here, where one emulator stands in for both hosts (only that
     * a client of another environment works alongside).
     */
    @Test
    void anApnsRegistrationsAppIdIsItsTopic() throws Exception {
        String otherApp = TOPIC + ".companion";
        ApnsAuthKey key = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC, otherApp);
        apnsTenant(key);
        String companion = DeliveryFixtures.apnsToken();
        String main = DeliveryFixtures.apnsToken();
        apns.registerDevice(otherApp, companion);
        apns.registerDevice(TOPIC, main);
        UUID registration = DeliveryFixtures.registration(configuration, companion, "session-companion", "ios", "apns");
        try (Connection connection = DeliveryFixtures.connect();
                var update = connection.prepareStatement(
                        "UPDATE delivery.registration SET app_id = ?, apns_environment = 'sandbox' WHERE id = ?")) {
            update.setString(1, otherApp);
            update.setObject(2, registration);
            update.executeUpdate();
        }
        DeliveryFixtures.registration(configuration, main, "session-main-app", "ios", "apns");

        UUID toCompanion = send(event("session-companion"));
        UUID toMain = send(event("session-main-app"));

        assertThat(awaitFinished(toCompanion)).isEqualTo("delivered");
        assertThat(awaitFinished(toMain)).isEqualTo("delivered");
        assertThat(apns.notificationsTo(companion))
                .singleElement()
                .satisfies(arrived -> assertThat(arrived.topic()).isEqualTo(otherApp));
        assertThat(apns.notificationsTo(main))
                .singleElement()
                .satisfies(arrived -> assertThat(arrived.topic()).isEqualTo(TOPIC));
    }

    @Test
    void aSandboxCredentialSendsToTheEmulatorAndTheTenantSeesWhatArrived() throws Exception {
        UUID sandbox = DeliveryFixtures.sandboxCredential(configuration.tenantId());
        DeliveryFixtures.deliverySettings(configuration, sandbox, sandbox, null, null, 600);
        String token = DeliveryFixtures.fcmToken();
        DeliveryFixtures.registration(configuration, token, "session-sandbox", "android", "fcm");
        AxpEvent first = event("session-sandbox");
        AxpEvent second = event("session-sandbox");

        assertThat(awaitFinished(send(first))).isEqualTo("delivered");
        assertThat(awaitFinished(send(second))).isEqualTo("delivered");

        SandboxMessagePage page =
                sandboxMessages.list(configuration.tenantId(), null, 1).block();
        assertThat(page.items()).singleElement().satisfies(message -> {
            assertThat(message.deviceToken()).isEqualTo(token);
            assertThat(message.message().at("/data/eventId").asString()).isEqualTo(second.eventId());
            assertThat(message.id()).isNotBlank();
            assertThat(message.receivedAt()).isNotNull();
        });
        assertThat(page.nextCursor()).isNotNull();
        SandboxMessagePage next = sandboxMessages
                .list(configuration.tenantId(), page.nextCursor(), 10)
                .block();
        assertThat(next.items())
                .singleElement()
                .satisfies(message -> assertThat(
                                message.message().at("/data/eventId").asString())
                        .isEqualTo(first.eventId()));
        assertThat(next.nextCursor()).isNull();
        // another tenant's sandbox is empty
        assertThat(sandboxMessages.list(UUID.randomUUID(), null, 10).block().items())
                .isEmpty();
        assertThat(details(notificationIdOf(first)).attempts().get(0).provider())
                .isEqualTo("sandbox");
    }

    @Test
    void aSessionWithoutARegistrationEndsAsNoDevice() throws Exception {
        fcmTenant();
        UUID id = send(event("session-nobody"));

        assertThat(awaitFinished(id)).isEqualTo("no_device");
        assertThat(details(id).attempts()).isEmpty();
    }

    @Test
    void noCredentialForThePlatformFailsWithAClearErrorCode() throws Exception {
        DeliveryFixtures.registration(
                configuration, DeliveryFixtures.apnsToken(), "session-nocredential", "ios", "apns");

        UUID id = send(event("session-nocredential"));

        assertThat(awaitFinished(id)).isEqualTo("failed");
        assertThat(details(id).attempts()).singleElement().satisfies(attempt -> {
            assertThat(attempt.outcome()).isEqualTo("failed");
            assertThat(attempt.errorCode()).isEqualTo("no_credential");
        });
    }

    @ParameterizedTest
    @CsvSource({
        "UNREGISTERED, token_invalid",
        "INVALID_ARGUMENT, failed",
        "SENDER_ID_MISMATCH, token_invalid",
        "THIRD_PARTY_AUTH_ERROR, failed",
        "QUOTA_EXCEEDED, delivered",
        "UNAVAILABLE, delivered",
        "INTERNAL, delivered"
    })
    void everyFcmErrorCodeHasItsOutcome(FcmErrorCode code, String outcome) throws Exception {
        fcmTenant();
        String token = DeliveryFixtures.fcmToken();
        UUID registration = DeliveryFixtures.registration(configuration, token, "session-" + code, "android", "fcm");
        // permanent codes stay (a 401 is retried once inside the client, after a token refresh); transient ones pass
        boolean permanent = !outcome.equals("delivered");
        fcm.injectFailure(
                token, (permanent ? FcmFailure.always(code) : FcmFailure.times(code, 1)).withRetryAfter(Duration.ZERO));

        UUID id = send(event("session-" + code));

        assertThat(awaitFinished(id)).isEqualTo(outcome);
        List<NotificationDetails.AttemptView> attempts = details(id).attempts();
        assertThat(attempts.get(0).errorCode()).isEqualTo(code.name());
        if (outcome.equals("delivered")) {
            assertThat(attempts)
                    .extracting(NotificationDetails.AttemptView::outcome)
                    .containsExactly("retry", "delivered");
            assertThat(fcm.messagesTo(token)).hasSize(1);
        } else {
            assertThat(attempts)
                    .singleElement()
                    .satisfies(attempt -> assertThat(attempt.outcome()).isEqualTo(outcome));
        }
        assertThat(invalidatedReason(registration)).isEqualTo(outcome.equals("token_invalid") ? code.name() : null);
    }

    /**
     * INVALID_ARGUMENT about the token (FCM's own words) invalidates the registration; the injected one
     * above carries FCM's generic message (a refused message) and leaves the registration alone.
     */
    @Test
    void anInvalidArgumentAboutTheTokenInvalidatesTheRegistration() throws Exception {
        fcmTenant();
        String malformed = "not a token";
        UUID registration =
                DeliveryFixtures.registration(configuration, malformed, "session-malformed", "android", "fcm");

        UUID id = send(event("session-malformed"));

        assertThat(awaitFinished(id)).isEqualTo("token_invalid");
        assertThat(details(id).attempts())
                .singleElement()
                .satisfies(attempt -> assertThat(attempt.errorCode()).isEqualTo("INVALID_ARGUMENT"));
        assertThat(invalidatedReason(registration)).isEqualTo("INVALID_ARGUMENT");
    }

    @Test
    void aCredentialOfAnotherProjectFailsAsAConfigurationProblem() throws Exception {
        FcmServiceAccount account = fcm.mintServiceAccount("project-a");
        UUID credential = DeliveryFixtures.credential(
                configuration.tenantId(),
                "fcm",
                "{\"projectId\":\"project-b\",\"clientEmail\":\"" + account.clientEmail() + "\"}",
                account.json());
        DeliveryFixtures.deliverySettings(configuration, credential, credential, null, null, 600);
        String token = DeliveryFixtures.fcmToken();
        UUID registration = DeliveryFixtures.registration(configuration, token, "session-foreign", "android", "fcm");

        UUID id = send(event("session-foreign"));

        assertThat(awaitFinished(id)).isEqualTo("failed");
        assertThat(details(id).attempts().get(0).errorCode()).isEqualTo("PERMISSION_DENIED");
        assertThat(invalidatedReason(registration)).isNull();
    }

    @ParameterizedTest
    @CsvSource({
        "BadDeviceToken, token_invalid",
        "Unregistered, token_invalid",
        "DeviceTokenNotForTopic, token_invalid",
        "InvalidProviderToken, failed",
        "ExpiredProviderToken, delivered",
        "TooManyRequests, delivered",
        "InternalServerError, delivered",
        "ServiceUnavailable, delivered"
    })
    void everyApnsRejectionHasItsOutcome(String reason, String outcome) throws Exception {
        ApnsAuthKey key = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        apnsTenant(key);
        String token = DeliveryFixtures.apnsToken();
        apns.registerDevice(reason.equals("DeviceTokenNotForTopic") ? "io.pushgate.other" : TOPIC, token);
        switch (reason) {
            case "BadDeviceToken" -> token = token.substring(1);
            case "Unregistered" -> apns.unregisterDevice(token, Instant.now().minus(1, ChronoUnit.HOURS));
            case "DeviceTokenNotForTopic" -> {}
            case "InvalidProviderToken" -> apns.revokeKey(key.keyId());
            case "ExpiredProviderToken" -> apns.injectRejection(token, RejectionReason.EXPIRED_PROVIDER_TOKEN, 1);
            case "TooManyRequests" -> apns.injectRejection(token, RejectionReason.TOO_MANY_REQUESTS, 1);
            case "InternalServerError" -> apns.injectRejection(token, RejectionReason.INTERNAL_SERVER_ERROR, 1);
            default -> apns.injectRejection(token, RejectionReason.SERVICE_UNAVAILABLE, 1);
        }
        UUID registration = DeliveryFixtures.registration(configuration, token, "session-" + reason, "ios", "apns");

        UUID id = send(event("session-" + reason));

        assertThat(awaitFinished(id)).isEqualTo(outcome);
        List<NotificationDetails.AttemptView> attempts = details(id).attempts();
        assertThat(attempts.get(0).errorCode()).isEqualTo(reason);
        if (outcome.equals("delivered")) {
            assertThat(attempts)
                    .extracting(NotificationDetails.AttemptView::outcome)
                    .containsExactly("retry", "delivered");
            assertThat(apns.notificationsTo(token)).hasSize(1);
        }
        assertThat(invalidatedReason(registration)).isEqualTo(outcome.equals("token_invalid") ? reason : null);
    }

    @Test
    void aRetryAfterIsHonoured() throws Exception {
        fcmTenant();
        String token = DeliveryFixtures.fcmToken();
        DeliveryFixtures.registration(configuration, token, "session-429", "android", "fcm");
        fcm.injectFailure(
                token, FcmFailure.times(FcmErrorCode.QUOTA_EXCEEDED, 1).withRetryAfter(Duration.ofSeconds(2)));

        UUID id = send(event("session-429"));

        assertThat(awaitFinished(id)).isEqualTo("delivered");
        List<NotificationDetails.AttemptView> attempts = details(id).attempts();
        assertThat(attempts)
                .extracting(NotificationDetails.AttemptView::outcome)
                .containsExactly("retry", "delivered");
        // the second attempt was not sent before the provider said it may be
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    /**
     * APNs' {@code retry-after} on a {@code 429 TooManyRequests} is honoured as FCM's is: through pushy
     * against the APNs emulator, which answers the header. The backoff alone would wait 50 to 100 ms.
     */
    @Test
    void anApnsRetryAfterIsHonoured() throws Exception {
        ApnsAuthKey key = apns.mintAuthKey(ApnsAuthKey.randomId(), TOPIC);
        apnsTenant(key);
        String token = DeliveryFixtures.apnsToken();
        apns.registerDevice(TOPIC, token);
        apns.injectRejection(token, RejectionReason.TOO_MANY_REQUESTS, 1, Duration.ofSeconds(2));
        DeliveryFixtures.registration(configuration, token, "session-apns-429", "ios", "apns");

        UUID id = send(event("session-apns-429"));

        assertThat(awaitFinished(id)).isEqualTo("delivered");
        List<NotificationDetails.AttemptView> attempts = details(id).attempts();
        assertThat(attempts)
                .extracting(NotificationDetails.AttemptView::outcome)
                .containsExactly("retry", "delivered");
        assertThat(attempts.get(0).errorCode()).isEqualTo("TooManyRequests");
        // the second attempt was not sent before APNs said it may be
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(apns.notificationsTo(token)).hasSize(1);
    }

    @Test
    void aProviderDownForAWhileThenBackDelivers() throws Exception {
        fcmTenant();
        String token = DeliveryFixtures.fcmToken();
        DeliveryFixtures.registration(configuration, token, "session-outage", "android", "fcm");
        fcm.injectFailure(token, FcmFailure.times(FcmErrorCode.UNAVAILABLE, 4).withRetryAfter(Duration.ZERO));

        UUID id = send(event("session-outage"));

        assertThat(awaitFinished(id)).isEqualTo("delivered");
        assertThat(details(id).attempts())
                .extracting(NotificationDetails.AttemptView::outcome)
                .containsExactly("retry", "retry", "retry", "retry", "delivered");
        assertThat(fcm.messagesTo(token)).hasSize(1);
    }

    @Test
    void theDeliveryWindowClosingWhileRetryingEndsAsExpired() throws Exception {
        UUID credential = fcmTenant();
        DeliveryFixtures.deliverySettings(configuration, credential, credential, null, null, 2);
        String token = DeliveryFixtures.fcmToken();
        DeliveryFixtures.registration(configuration, token, "session-expiring", "android", "fcm");
        fcm.injectFailure(token, FcmFailure.always(FcmErrorCode.UNAVAILABLE).withRetryAfter(Duration.ZERO));

        UUID id = send(event("session-expiring"));

        assertThat(awaitFinished(id)).isEqualTo("expired");
        // it was tried, more than once, within the window; every try was a transient failure
        assertThat(details(id).attempts())
                .hasSizeGreaterThan(1)
                .allSatisfy(attempt -> assertThat(attempt.outcome()).isEqualTo("retry"));
        assertThat(fcm.sendAttempts(token)).isEqualTo(details(id).attempts().size());
        assertThat(fcm.messagesTo(token)).isEmpty();
    }

    /**
     * A send that outlasts its lease: another holder claimed the row while the push was at the provider
     * (here the test claims it, as another instance's sweep would), so the outcome is not written and
     * the new holder may send the push again. That possible duplicate is counted and said, not silent.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void anOutcomeWhoseLeasePassedToAnotherHolderIsCountedAndSaid(CapturedOutput output) throws Exception {
        fcmTenant();
        String token = DeliveryFixtures.fcmToken();
        Counter superseded = superseded("true");
        double before = superseded.count();

        UUID id = takenOverWhileAtTheProvider(token, "session-superseded");

        DeliveryFixtures.await(Duration.ofSeconds(15), () -> superseded.count() > before);
        assertThat(superseded.count()).isEqualTo(before + 1);
        assertThat(output.getAll())
                .contains("Notification " + id + " of tenant " + configuration.tenantId()
                        + ": its outcome (delivered) was not recorded, its lease had passed to another holder")
                .contains("the provider had taken its push, which may go out again");
        // the new holder's row is untouched; the attempt is on record all the same (it happened)
        assertThat(DeliveryFixtures.status(id)).isEqualTo("accepted");
        assertThat(details(id).attempts())
                .singleElement()
                .satisfies(attempt -> assertThat(attempt.outcome()).isEqualTo("delivered"));
    }

    /** The same for a transient failure: its retry is not scheduled by the holder that lost the lease. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aRetryWhoseLeasePassedToAnotherHolderIsCountedAndSaid(CapturedOutput output) throws Exception {
        fcmTenant();
        String token = DeliveryFixtures.fcmToken();
        fcm.injectFailure(token, FcmFailure.times(FcmErrorCode.UNAVAILABLE, 1));
        Counter superseded = superseded("false");
        double before = superseded.count();

        UUID id = takenOverWhileAtTheProvider(token, "session-superseded-retry");

        DeliveryFixtures.await(Duration.ofSeconds(15), () -> superseded.count() > before);
        assertThat(superseded.count()).isEqualTo(before + 1);
        assertThat(output.getAll())
                .contains("Notification " + id + " of tenant " + configuration.tenantId() + ": its outcome (retry at ");
        assertThat(DeliveryFixtures.status(id)).isEqualTo("accepted");
        assertThat(fcm.sendAttempts(token)).isEqualTo(1);
    }

    private Counter superseded(String delivered) {
        return meters.get("pushgate.deliveries.superseded")
                .tags("provider", "fcm", "delivered", delivered)
                .counter();
    }

    /**
     * Sends a callback for a session whose device {@code token} the emulator answers three seconds late,
     * and once the send is there, takes the notification over as another instance's sweep would.
     */
    private UUID takenOverWhileAtTheProvider(String token, String session) throws Exception {
        fcm.injectLatency(token, Duration.ofSeconds(3));
        DeliveryFixtures.registration(configuration, token, session, "android", "fcm");
        UUID id = send(event(session));
        DeliveryFixtures.await(Duration.ofSeconds(10), () -> fcm.sendAttempts(token) > 0);
        try (Connection connection = DeliveryFixtures.connect();
                var claim = connection.prepareStatement("""
                        UPDATE delivery.notification
                           SET lease_owner = gen_random_uuid(), lease_until = now() + interval '1 hour'
                         WHERE id = ? AND completed_at IS NULL""")) {
            claim.setObject(1, id);
            assertThat(claim.executeUpdate())
                    .as("still unfinished when taken over")
                    .isEqualTo(1);
        }
        return id;
    }

    /**
     * The credential is replaced while sends with it are in flight: those finish with the client they
     * started on, the ones after use a client built from the new material, and none fails.
     */
    @Test
    void aCredentialReplacedWhileSendingFailsNoSend() throws Exception {
        String project = "project-" + UUID.randomUUID().toString().substring(0, 8);
        FcmServiceAccount first = fcm.mintServiceAccount(project);
        FcmServiceAccount second = fcm.mintServiceAccount(project);
        UUID credential = DeliveryFixtures.fcmCredential(configuration.tenantId(), first);
        DeliveryFixtures.deliverySettings(configuration, credential, credential, null, null, 600);
        List<String> tokens = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String token = DeliveryFixtures.fcmToken();
            fcm.injectLatency(token, Duration.ofSeconds(3));
            DeliveryFixtures.registration(configuration, token, "session-replaced-" + i, "android", "fcm");
            tokens.add(token);
        }
        for (int i = 0; i < 10; i++) {
            ids.add(send(event("session-replaced-" + i)));
        }
        // a send is in flight: the emulator has its message, its answer (three seconds late, so that a busy machine
        // still finds it in flight) is on the way
        DeliveryFixtures.await(
                Duration.ofSeconds(10), () -> !fcm.messagesTo(tokens.get(0)).isEmpty());
        assertThat(DeliveryFixtures.status(ids.get(0))).as("answered yet").isEqualTo("accepted");
        DeliveryFixtures.replaceCredential(
                configuration.tenantId(),
                credential,
                "{\"projectId\":\"" + project + "\",\"clientEmail\":\"" + second.clientEmail() + "\"}",
                second.json());
        for (int i = 10; i < 20; i++) {
            ids.add(send(event("session-replaced-" + i)));
        }

        for (UUID id : ids) {
            assertThat(awaitFinished(id)).isEqualTo("delivered");
            assertThat(details(id).attempts())
                    .singleElement()
                    .satisfies(attempt -> assertThat(attempt.outcome()).isEqualTo("delivered"));
        }
        tokens.forEach(token -> assertThat(fcm.messagesTo(token)).hasSize(1));
        List<String> sentBy = tokens.stream()
                .map(token -> fcm.messagesTo(token).get(0).sentBy())
                .toList();
        assertThat(sentBy.subList(0, 10)).containsOnly(first.clientEmail());
        // the change reaches this instance through NOTIFY, asynchronously: the later sends use the new one
        assertThat(sentBy.subList(10, 20)).contains(second.clientEmail());
    }

    @Test
    void aDeletedCredentialSendsNoMore() throws Exception {
        UUID credential = fcmTenant();
        String token = DeliveryFixtures.fcmToken();
        DeliveryFixtures.registration(configuration, token, "session-deleted", "android", "fcm");
        assertThat(awaitFinished(send(event("session-deleted")))).isEqualTo("delivered");

        try (Connection connection = DeliveryFixtures.connect()) {
            try (var delete = connection.prepareStatement("DELETE FROM tenancy.credential WHERE id = ?")) {
                delete.setObject(1, credential);
                delete.executeUpdate();
            }
            DeliveryFixtures.notifyChange(connection, "credential", credential, configuration.tenantId());
        }
        // the change reaches this instance through NOTIFY, asynchronously: a send or two may still go out
        UUID afterDeletion;
        int sent = 0;
        do {
            afterDeletion = send(event("session-deleted"));
            sent++;
        } while (!awaitFinished(afterDeletion).equals("failed") && sent < 50);
        assertThat(DeliveryFixtures.status(afterDeletion)).isEqualTo("failed");
        int arrived = fcm.messagesTo(token).size();

        // from the first failure on, no send goes out: every later one fails for want of a credential
        for (int i = 0; i < 5; i++) {
            UUID later = send(event("session-deleted"));
            assertThat(awaitFinished(later)).isEqualTo("failed");
            assertThat(details(later).attempts())
                    .singleElement()
                    .satisfies(attempt -> assertThat(attempt.errorCode()).isEqualTo("no_credential"));
        }
        assertThat(details(afterDeletion).attempts().get(0).errorCode()).isEqualTo("no_credential");
        assertThat(fcm.messagesTo(token)).hasSize(arrived);
        assertThat(arrived).isEqualTo(sent);
    }

    @Test
    void deliveriesRetriesInvalidationsAndLatencyAreMetered() throws Exception {
        fcmTenant();
        String token = DeliveryFixtures.fcmToken();
        DeliveryFixtures.registration(configuration, token, "session-metered", "android", "fcm");
        fcm.injectFailure(token, FcmFailure.times(FcmErrorCode.UNAVAILABLE, 1).withRetryAfter(Duration.ZERO));
        String dead = DeliveryFixtures.fcmToken();
        DeliveryFixtures.registration(configuration, dead, "session-metered-dead", "android", "fcm");
        fcm.unregister(dead);
        Metrics before = metrics();

        assertThat(awaitFinished(send(event("session-metered")))).isEqualTo("delivered");
        assertThat(awaitFinished(send(event("session-metered-dead")))).isEqualTo("token_invalid");
        Metrics after = metrics();

        String tenant = "tenant=\"" + configuration.tenantId() + "\"";
        assertThat(after.value("pushgate_deliveries_total{outcome=\"delivered\",provider=\"fcm\"," + tenant + "}"))
                .isEqualTo(1);
        assertThat(after.value("pushgate_deliveries_total{outcome=\"token_invalid\",provider=\"fcm\"," + tenant + "}"))
                .isEqualTo(1);
        assertThat(after.delta(before, "pushgate_delivery_retries_total{provider=\"fcm\"}"))
                .isEqualTo(1);
        assertThat(after.delta(
                        before, "pushgate_registrations_invalidated_total{provider=\"fcm\",reason=\"UNREGISTERED\"}"))
                .isEqualTo(1);
        // one send each: the transient failure, the delivery, the rejection
        assertThat(after.delta(
                        before, "pushgate_provider_latency_seconds_count{outcome=\"delivered\",provider=\"fcm\"}"))
                .isEqualTo(1);
        assertThat(after.delta(before, "pushgate_provider_latency_seconds_count{outcome=\"retry\",provider=\"fcm\"}"))
                .isEqualTo(1);
        assertThat(after.delta(
                        before, "pushgate_provider_latency_seconds_count{outcome=\"token_invalid\",provider=\"fcm\"}"))
                .isEqualTo(1);
        assertThat(after.value("pushgate_dispatch_queue_depth")).isZero();
        assertThat(after.value("pushgate_notifications_oldest_unfinished_age_seconds"))
                .isNotNull();
    }

    /** One scrape of {@code /actuator/prometheus}: each series' value by its name and labels. */
    private record Metrics(java.util.Map<String, Double> series) {

        Double value(String series) {
            return this.series.get(series);
        }

        double delta(Metrics before, String series) {
            return this.series.getOrDefault(series, 0.0) - before.series.getOrDefault(series, 0.0);
        }
    }

    private Metrics metrics() throws Exception {
        String text = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://localhost:" + port + "/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        java.util.Map<String, Double> series = new java.util.HashMap<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return new Metrics(series);
    }

    private UUID notificationIdOf(AxpEvent event) throws Exception {
        try (Connection connection = DeliveryFixtures.connect();
                var select = connection.prepareStatement(
                        "SELECT id FROM delivery.notification WHERE tenant_id = ? AND event_id = ?")) {
            select.setObject(1, configuration.tenantId());
            select.setString(2, event.eventId());
            try (var rows = select.executeQuery()) {
                rows.next();
                return rows.getObject(1, UUID.class);
            }
        }
    }

    private static String invalidatedReason(UUID registration) throws Exception {
        try (Connection connection = DeliveryFixtures.connect();
                var select = connection.prepareStatement(
                        "SELECT invalidated_reason FROM delivery.registration WHERE id = ?")) {
            select.setObject(1, registration);
            try (var rows = select.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }
}
