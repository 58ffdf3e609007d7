package io.pushgate.delivery.retention;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long the notification store keeps what ({@code pushgate.retention.*}).
 *
 * @param notifications how long a day's notifications and attempts are kept: its partitions are
 *     dropped once the whole day is older than this (and nothing in it can still be delivered)
 * @param dedupWindow how long an event id is recognised as a duplicate (answered {@code 200
 *     duplicate}) after its first callback; keep it longer than the delivery window (at most 24 h)
 * @param partitionsAhead how many days after today get their partitions ahead of time
 * @param interval how often the maintenance pass runs (and once at start-up)
 * @param enabled whether this instance runs the pass on its schedule at all
 * @param stats how long the dashboard's per-minute rollup ({@code delivery.stats_minute}) keeps a
 *     minute: older minutes are deleted by the pass
 * @param lockTimeout the longest a partition's creation or removal waits for a table lock before the
 *     pass leaves it for the next run (bounds what a long read costs the writers queued behind it)
 */
@ConfigurationProperties("pushgate.retention")
public record RetentionSettings(
        @DefaultValue("30d") Duration notifications,
        @DefaultValue("7d") Duration dedupWindow,
        @DefaultValue("3") int partitionsAhead,
        @DefaultValue("1h") Duration interval,
        @DefaultValue("true") boolean enabled,
        @DefaultValue("5s") Duration lockTimeout,
        @DefaultValue("30d") Duration stats) {

    public RetentionSettings {
        if (notifications.compareTo(Duration.ofDays(2)) < 0) {
            throw new IllegalArgumentException("pushgate.retention.notifications must be at least 2d");
        }
        if (dedupWindow.compareTo(Duration.ofHours(24)) <= 0) {
            throw new IllegalArgumentException(
                    "pushgate.retention.dedup-window must be longer than the longest delivery window (24h)");
        }
        if (stats.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("pushgate.retention.stats must be at least 1d");
        }
        if (partitionsAhead < 1) {
            throw new IllegalArgumentException("pushgate.retention.partitions-ahead must be at least 1");
        }
    }
}
