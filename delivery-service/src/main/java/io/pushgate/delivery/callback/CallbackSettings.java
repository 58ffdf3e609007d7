package io.pushgate.delivery.callback;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The callback ingress ({@code pushgate.callback.*}).
 *
 * @param retryAfter what a 503 tells AXP to wait before calling again ({@code Retry-After})
 * @param lookupTimeout the longest a configuration may take to be read when it is not cached
 */
@ConfigurationProperties("pushgate.callback")
record CallbackSettings(
        @DefaultValue("5s") Duration retryAfter,
        @DefaultValue("2s") Duration lookupTimeout) {}
