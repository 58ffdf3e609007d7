package io.pushgate.delivery.readapi;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One notification with every attempt to send it, oldest first: the answer of {@code GET
 * /v1/notifications/{id}}.
 *
 * @param status the text of its {@link io.pushgate.delivery.notification.NotificationStatus}
 * @param errorDetail why it ended without the provider taking it, in words (else {@code null})
 * @param resends its re-sends ({@code POST /v1/notifications/{id}:resend}), oldest first
 */
public record NotificationDetails(
        UUID id,
        UUID configurationId,
        String eventId,
        String sessionId,
        String status,
        Instant receivedAt,
        Instant completedAt,
        String errorDetail,
        List<AttemptView> attempts,
        List<ResendView> resends) {

    /**
     * @param provider {@code fcm}, {@code apns} or {@code sandbox}
     * @param outcome the text of its {@link io.pushgate.delivery.notification.AttemptOutcome}
     * @param errorCode the provider's (e.g. {@code UNREGISTERED}) or ours ({@code no_credential}), else {@code null}
     * @param latencyMs how long the provider took to answer (0 when nothing could be sent)
     */
    public record AttemptView(String provider, String outcome, String errorCode, double latencyMs, Instant at) {}

    /**
     * @param requestedBy the subject of the owner's or admin's token that asked for it
     * @param previousStatus how the notification had ended before it
     */
    record ResendView(String requestedBy, String previousStatus, Instant at) {}
}
