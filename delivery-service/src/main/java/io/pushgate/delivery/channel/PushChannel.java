package io.pushgate.delivery.channel;

import reactor.core.publisher.Mono;

/**
 * One provider client, bound to one credential. {@link #send} never fails: every answer, time-outs
 * and broken connections included, is a {@link DeliveryOutcome}.
 */
public interface PushChannel {

    /** {@code fcm}, {@code apns} or {@code sandbox}: the provider as recorded on attempts and metrics. */
    String provider();

    Mono<DeliveryOutcome> send(Push push);

    /** Releases the client; sends still in flight may fail (as {@link DeliveryOutcome.Transient}). */
    void close();
}
