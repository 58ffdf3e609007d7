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
 * @param registrationsInterval how often the registrations that expired meanwhile are subtracted from
 *     the counts of active registrations and every configuration's count is put into the current minute
 *     (written only when it changed), by one instance at a time; also how often each instance asks
 *     whether a recount is due
 * @param registrationsRefresh the longest an unchanged count goes without being written again (the
 *     series carries a count forward from the last one written, which must outlive the retention's cut)
 * @param registrationsRecount how often the registration table is counted again to correct the counts
 *     kept as registrations change (by one instance at a time, whichever finds it due first)
 * @param registrationsSlice how many blocks (8 kB each) of {@code delivery.registration} one statement
 *     of a recount reads; each slice is followed by 20 times its own length without one ({@link
 *     RollupFlusher})
 * @param maxPoints the most points {@code GET /v1/stats/series} answers (its span divided by its step)
 * @param readTimeout the longest a read of the series may take before it answers 503
 * @param retryAfter what that 503's {@code Retry-After} says
 */
@ConfigurationProperties("pushgate.stats")
record StatsSettings(
        @DefaultValue("5s") Duration flushInterval,
        @DefaultValue("1m") Duration registrationsInterval,
        @DefaultValue("1h") Duration registrationsRefresh,
        @DefaultValue("6h") Duration registrationsRecount,
        @DefaultValue("128") int registrationsSlice,
        @DefaultValue("1500") int maxPoints,
        @DefaultValue("10s") Duration readTimeout,
        @DefaultValue("5s") Duration retryAfter) {

    StatsSettings {
        for (Duration interval :
                new Duration[] {flushInterval, registrationsInterval, registrationsRefresh, registrationsRecount}) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("pushgate.stats.flush-interval, registrations-interval,"
                        + " registrations-refresh and registrations-recount must be positive");
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
