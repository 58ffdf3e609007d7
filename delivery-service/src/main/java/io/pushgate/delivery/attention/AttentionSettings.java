package io.pushgate.delivery.attention;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What {@code GET /v1/attention} calls recent, near or late ({@code pushgate.attention.*}).
 *
 * @param window how far back refused sends and refused callbacks count: a credential or configuration
 *     leaves the list once it has had none for this long (a credential also once it delivered again)
 * @param certificateNotice how long before an APNs certificate's expiry it is listed
 * @param backlogAge how long a notification may wait unfinished before it counts as backlog
 * @param readTimeout the longest the answer may take before it is a 503 {@code attention-unavailable}
 * @param retryAfter what that 503's {@code Retry-After} says
 */
@ConfigurationProperties("pushgate.attention")
record AttentionSettings(
        @DefaultValue("1h") Duration window,
        @DefaultValue("30d") Duration certificateNotice,
        @DefaultValue("5m") Duration backlogAge,
        @DefaultValue("10s") Duration readTimeout,
        @DefaultValue("5s") Duration retryAfter) {

    AttentionSettings {
        if (window.isNegative() || window.isZero() || backlogAge.isNegative() || certificateNotice.isNegative()) {
            throw new IllegalArgumentException(
                    "pushgate.attention.window must be positive, backlog-age and certificate-notice not negative");
        }
    }
}
