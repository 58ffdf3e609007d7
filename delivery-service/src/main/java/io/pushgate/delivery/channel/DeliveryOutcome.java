package io.pushgate.delivery.channel;

import java.time.Duration;

/**
 * What a provider answered to one send. A provider's "no" is a value: only the caller decides what
 * it means for the notification (retry, invalidate, give up).
 */
public sealed interface DeliveryOutcome {

    /** The provider's error code (e.g. {@code UNREGISTERED}, {@code BadDeviceToken}), or {@code null} when accepted. */
    String errorCode();

    /** The provider took the push. */
    record Accepted(String providerMessageId) implements DeliveryOutcome {
        @Override
        public String errorCode() {
            return null;
        }
    }

    /** The device token is dead (uninstalled, expired, another sender's): the registration must go. */
    record TokenRejected(String errorCode) implements DeliveryOutcome {}

    /**
     * A permanent problem of the tenant's set-up (revoked or wrong credential, topic not allowed):
     * sending again cannot help, the tenant must fix it.
     */
    record Rejected(String errorCode) implements DeliveryOutcome {}

    /**
     * Worth trying again later (overload, rate limit, outage, time-out).
     *
     * @param retryAfter what the provider asked for ({@code Retry-After}), or {@code null}
     */
    record Transient(String errorCode, Duration retryAfter) implements DeliveryOutcome {}
}
