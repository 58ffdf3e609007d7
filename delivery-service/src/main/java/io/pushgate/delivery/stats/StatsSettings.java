package io.pushgate.delivery.stats;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The dashboard's rollup and series ({@code pushgate.stats.*}).
 *
 * @param flushInterval how often this instance adds the counts it gathered in memory to {@code
 *     delivery.stats_minute} (one statement per interval, however much traffic); what a process killed
 *     without a graceful stop loses
 * @param registrationsInterval how often this instance counts the active registrations of every
 *     configuration into the current minute (written only when a count changed); a count that takes
 *     longer (each of its slices is followed by 20 times its own length without one, {@link
 *     RollupFlusher}) is followed by the next at once
 * @param registrationsSlice how many blocks (8 kB each) of {@code delivery.registration} one statement
 *     of the count reads
 * @param registrationsRefresh the longest an unchanged count goes without being written again (the
 *     series carries a count forward from the last one written, which must outlive the retention's cut)
 * @param maxPoints the most points {@code GET /v1/stats/series} answers (its span divided by its step)
 * @param readTimeout the longest a read of the series may take before it answers 503
 * @param retryAfter what that 503's {@code Retry-After} says
 */
@ConfigurationProperties("pushgate.stats")
record StatsSettings(
        @DefaultValue("5s") Duration flushInterval,
        @DefaultValue("1m") Duration registrationsInterval,
        @DefaultValue("1h") Duration registrationsRefresh,
        @DefaultValue("128") int registrationsSlice,
        @DefaultValue("1500") int maxPoints,
        @DefaultValue("10s") Duration readTimeout,
        @DefaultValue("5s") Duration retryAfter) {

    StatsSettings {
        for (Duration interval : new Duration[] {flushInterval, registrationsInterval, registrationsRefresh}) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("pushgate.stats.flush-interval, registrations-interval and"
                        + " registrations-refresh must be positive");
            }
        }
        if (registrationsSlice < 1) {
            throw new IllegalArgumentException("pushgate.stats.registrations-slice must be at least 1 (block)");
        }
        if (maxPoints < 1) {
            throw new IllegalArgumentException("pushgate.stats.max-points must be at least 1");
        }
    }
}
