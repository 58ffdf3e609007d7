package io.pushgate.delivery.channel;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import java.time.Duration;
import java.util.Set;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * APNs over HTTP/2 through pushy: one {@link ApnsClient} per credential and APNs environment (token
 * authentication with the tenant's .p8 key); the topic is the registration's app id, else the
 * credential's. A rejection is an answer, not an error; only a broken connection or a
 * time-out fails a send, and both are transient.
 */
final class ApnsChannel implements PushChannel {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> TOKEN_REJECTIONS =
            Set.of("BadDeviceToken", "Unregistered", "DeviceTokenNotForTopic");
    private static final Set<String> TRANSIENT_REJECTIONS =
            Set.of("TooManyRequests", "InternalServerError", "ServiceUnavailable", "Shutdown", "IdleTimeout");

    private final ApnsClient client;
    private final String topic;
    private final Duration timeout;

    ApnsChannel(ApnsClient client, String topic, Duration timeout) {
        this.client = client;
        this.topic = topic;
        this.timeout = timeout;
    }

    @Override
    public String provider() {
        return "apns";
    }

    @Override
    public Mono<DeliveryOutcome> send(Push push) {
        SimpleApnsPushNotification notification = new SimpleApnsPushNotification(
                push.deviceToken(),
                push.topic() != null ? push.topic() : topic,
                payload(push),
                push.expiresAt(),
                DeliveryPriority.IMMEDIATE,
                PushType.ALERT,
                push.collapseId(),
                push.notificationId());
        return Mono.defer(() -> Mono.fromFuture(client.sendNotification(notification)))
                .map(ApnsChannel::outcome)
                .timeout(timeout, Mono.fromSupplier(() -> new DeliveryOutcome.Transient("timeout", null)))
                .onErrorResume(error -> Mono.just(new DeliveryOutcome.Transient("io_error", null)));
    }

    static DeliveryOutcome outcome(PushNotificationResponse<SimpleApnsPushNotification> response) {
        if (response.isAccepted()) {
            return new DeliveryOutcome.Accepted(String.valueOf(response.getApnsId()));
        }
        String reason = response.getRejectionReason().orElse("HTTP " + response.getStatusCode());
        if (TOKEN_REJECTIONS.contains(reason) || response.getStatusCode() == 410) {
            return new DeliveryOutcome.TokenRejected(reason);
        }
        if (TRANSIENT_REJECTIONS.contains(reason)
                // pushy signs a new provider token after this answer: the next try carries it
                || "ExpiredProviderToken".equals(reason)
                || response.getStatusCode() == 429
                || response.getStatusCode() >= 500) {
            return new DeliveryOutcome.Transient(reason, null);
        }
        // InvalidProviderToken, TopicDisallowed, BadTopic, PayloadTooLarge, …
        return new DeliveryOutcome.Rejected(reason);
    }

    /** The alert with the template's title and body, {@code mutable-content}, the AXP fields as custom keys. */
    static String payload(Push push) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aps = root.putObject("aps");
        ObjectNode alert = aps.putObject("alert");
        alert.put("title", push.title());
        alert.put("body", push.body());
        aps.put("mutable-content", 1);
        FcmMessages.data(push.fields()).forEach((key, value) -> {
            if (!"aps".equals(key)) {
                root.put(key, value);
            }
        });
        return JSON.writeValueAsString(root);
    }

    @Override
    public void close() {
        client.close();
    }
}
