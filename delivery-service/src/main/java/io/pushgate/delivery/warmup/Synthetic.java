package io.pushgate.delivery.warmup;

import io.pushgate.api.axp.AxpEvent;
import io.pushgate.delivery.channel.Push;
import io.pushgate.delivery.configuration.CallbackConfiguration;
import io.pushgate.delivery.notification.NewNotification;
import io.pushgate.delivery.registration.DevicePlatform;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * What one warm-up makes up: a tenant and a configuration that exist nowhere but in this process
 * (random ids, never in {@code tenancy}), the configuration's callback key and secret (256 random
 * bits each, never logged, forgotten when the warm-up ends), and its events, notifications and pushes.
 */
record Synthetic(UUID tenantId, UUID configurationId, String callbackKey, String secret) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Sessions the events are spread over, as a tenant's are over its conversations. */
    private static final int SESSIONS = 64;

    static Synthetic create() {
        return new Synthetic(UUID.randomUUID(), UUID.randomUUID(), random(), random());
    }

    CallbackConfiguration configuration() {
        return CallbackConfiguration.synthetic(configurationId, tenantId, secret);
    }

    /** The {@code n}th synthetic callback's event: shaped as AXP's message events are. */
    AxpEvent event(int n) {
        return event("warmup-callback-", n);
    }

    /**
     * The {@code n}th synthetic notification, for the dispatcher's statements: its event id is
     * another than any callback's, so that the two never wait for each other's rolled-back key.
     */
    NewNotification notification(int n) {
        return new NewNotification(tenantId, configurationId, event("warmup-delivery-", n));
    }

    private AxpEvent event(String idPrefix, int n) {
        return new AxpEvent(
                idPrefix + n,
                "warmup-session-" + n % SESSIONS,
                "warmup-conversation-" + n % SESSIONS,
                "warmup-customer",
                Instant.now().toString(),
                Map.of(
                        "messageType", "text",
                        "senderName", "Pushgate warm-up",
                        "body", "A synthetic message of the warm-up, number " + n));
    }

    /** The {@code n}th synthetic push: Android and iOS devices by turns (FCM builds both differently). */
    Push push(int n) {
        AxpEvent event = event(n);
        return new Push(
                UUID.randomUUID(),
                "warmup-device-" + n,
                n % 2 == 0 ? DevicePlatform.ANDROID : DevicePlatform.IOS,
                event.fields(),
                "Pushgate",
                "A synthetic message",
                event.conversationId(),
                Instant.now().plus(Duration.ofHours(1)),
                null);
    }

    @Override
    public String toString() {
        return "Synthetic[tenantId=" + tenantId + ", configurationId=" + configurationId + "]";
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
