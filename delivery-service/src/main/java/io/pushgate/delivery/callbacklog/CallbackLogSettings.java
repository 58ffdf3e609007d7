package io.pushgate.delivery.callbacklog;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The refused-callback log and the secret-usage counts ({@code pushgate.callback-log.*}).
 *
 * @param flushInterval how often this instance writes what it gathered in memory (samples of refused
 *     callbacks, secret-usage counts): one batch per interval, however many callbacks came
 * @param samplesPerFlush the refused callbacks of one configuration kept per interval (the newest);
 *     the others are only counted, so that a flood of bad callbacks is no flood of writes
 * @param keep the refused callbacks kept per configuration (the newest)
 * @param readTimeout the longest a read of the API may take before it answers 503
 * @param retryAfter what that 503's {@code Retry-After} says
 */
@ConfigurationProperties("pushgate.callback-log")
record CallbackLogSettings(
        @DefaultValue("1s") Duration flushInterval,
        @DefaultValue("10") int samplesPerFlush,
        @DefaultValue("100") int keep,
        @DefaultValue("10s") Duration readTimeout,
        @DefaultValue("5s") Duration retryAfter) {

    CallbackLogSettings {
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("pushgate.callback-log.flush-interval must be positive");
        }
        if (samplesPerFlush < 1 || keep < 1) {
            throw new IllegalArgumentException("pushgate.callback-log.samples-per-flush and keep must be at least 1");
        }
    }
}
