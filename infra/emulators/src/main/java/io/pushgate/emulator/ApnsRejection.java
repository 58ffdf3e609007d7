package io.pushgate.emulator;

import com.eatthepath.pushy.apns.server.RejectionReason;
import java.time.Instant;

/**
 * A notification the APNs emulator rejected.
 *
 * @param deviceToken the device token of the request path, or {@code null}
 * @param topic {@code apns-topic}, or {@code null}
 * @param reason why
 * @param tokenInvalidatedAt for {@code Unregistered}, when the token stopped being valid; else {@code null}
 * @param rejectedAt when it was rejected
 */
public record ApnsRejection(
        String deviceToken, String topic, RejectionReason reason, Instant tokenInvalidatedAt, Instant rejectedAt) {}
