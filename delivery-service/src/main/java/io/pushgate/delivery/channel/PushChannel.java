package io.pushgate.delivery.channel;

import io.pushgate.delivery.registration.PushProvider;
import reactor.core.publisher.Mono;

/**
 * One provider client, bound to one credential: {@link FcmChannel} and {@link ApnsChannel}, each
 * made by its {@code create} from the credential and {@link ProviderSettings}. {@link #send} never fails: every answer, time-outs
 * and broken connections included, is a {@link DeliveryOutcome}.
 */
public interface PushChannel {

    /** The provider as attempts and metrics record it: the credential's (so the sandbox is {@code sandbox}). */
    PushProvider provider();

    Mono<DeliveryOutcome> send(Push push);

    /**
     * A send that cannot reach a device, to learn whether the provider accepts the credential: FCM
     * validates a message to a made-up token without sending it ({@code validate_only}); APNs gets a
     * background push to a token it never issued, so {@code BadDeviceToken} means the key, team and
     * topic were accepted. Never fails, as {@link #send}.
     */
    Mono<DeliveryOutcome> probe();

    /** Releases the client; sends still in flight may fail (as {@link DeliveryOutcome.Transient}). */
    void close();
}
