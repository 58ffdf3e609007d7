package io.pushgate.tenant.plan;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The platform's retention of notifications as a plan sees it ({@code pushgate.retention.*}): the
 * same setting delivery-service keeps its notification store by, so that one value (for instance
 * {@code PUSHGATE_RETENTION_NOTIFICATIONS}) configures both services.
 *
 * @param notifications how long delivery-service keeps a day's notifications; a plan's {@code
 *     retentionDays} may shorten it, never lengthen it
 */
@ConfigurationProperties("pushgate.retention")
record RetentionSettings(@DefaultValue("30d") Duration notifications) {

    RetentionSettings {
        if (notifications.toDays() < 1) {
            throw new IllegalArgumentException("pushgate.retention.notifications must be at least 1d");
        }
    }

    /** The most days a plan may keep: the platform's retention in whole days. */
    int maxDays() {
        return (int) Math.min(Integer.MAX_VALUE, notifications.toDays());
    }
}
