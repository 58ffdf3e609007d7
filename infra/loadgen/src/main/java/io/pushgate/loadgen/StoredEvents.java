package io.pushgate.loadgen;

import java.sql.Array;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The check that nothing acknowledged was lost: every accepted eventId has its notification row. */
final class StoredEvents {

    private static final int CHUNK = 50_000;

    /** How long before a run's first acceptance its rows are looked for: clocks of two hosts may differ. */
    static final Duration CLOCK_MARGIN = Duration.ofHours(1);

    private StoredEvents() {}

    /** From when a run's rows are looked for: its first acceptance, less {@link #CLOCK_MARGIN}. */
    static Instant since(Map<String, Long> acceptedAtMicros) {
        long first = acceptedAtMicros.values().stream()
                .mapToLong(Long::longValue)
                .min()
                .orElse(TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()));
        return Instant.EPOCH.plus(first, ChronoUnit.MICROS).minus(CLOCK_MARGIN);
    }

    /**
     * How many of {@code eventIds} have no row in {@code delivery.notification} received at {@code
     * since} or later. The bound keeps the look-up to the run's days' partitions: the table has no index
     * on {@code event_id} alone, and without it every look-up read every day of the retention (1–2.5
     * minutes a run on a store of 50 million rows).
     */
    static long missing(BenchOptions.Database database, Collection<String> eventIds, Instant since)
            throws SQLException {
        List<String> ids = new ArrayList<>(eventIds);
        long missing = 0;
        try (var connection = DriverManager.getConnection(database.url(), database.user(), database.password());
                var query = connection.prepareStatement("SELECT count(*) FROM unnest(?::text[]) AS accepted(event_id)"
                        + " WHERE NOT EXISTS (SELECT 1 FROM delivery.notification n"
                        + " WHERE n.event_id = accepted.event_id AND n.received_at >= ?)")) {
            for (int from = 0; from < ids.size(); from += CHUNK) {
                Array chunk = connection.createArrayOf(
                        "text",
                        ids.subList(from, Math.min(ids.size(), from + CHUNK)).toArray());
                query.setArray(1, chunk);
                query.setObject(2, since.atOffset(ZoneOffset.UTC));
                try (var rows = query.executeQuery()) {
                    rows.next();
                    missing += rows.getLong(1);
                }
            }
        }
        return missing;
    }

    /**
     * Which of {@code eventIds} the platform knowingly sent again: an attempt of its notification
     * ended without knowing whether the provider had taken the push (a time-out, a broken or closed
     * connection), so it was retried — at least once, by design, with the same collapse key. Only
     * notifications received, and attempts made, at {@code since} or later.
     */
    static Set<String> resentAfterUnknownOutcome(
            BenchOptions.Database database, Collection<String> eventIds, Instant since) throws SQLException {
        Set<String> resent = new HashSet<>();
        if (eventIds.isEmpty()) {
            return resent;
        }
        try (var connection = DriverManager.getConnection(database.url(), database.user(), database.password());
                var query = connection.prepareStatement("SELECT DISTINCT n.event_id FROM delivery.notification n"
                        + " JOIN delivery.attempt a ON a.notification_id = n.id"
                        + " WHERE n.event_id = ANY (?::text[]) AND n.received_at >= ? AND a.at >= ?"
                        + " AND a.outcome = 'retry'"
                        + " AND a.error_code IN ('timeout', 'io_error', 'channel_closed')")) {
            query.setArray(1, connection.createArrayOf("text", eventIds.toArray()));
            query.setObject(2, since.atOffset(ZoneOffset.UTC));
            query.setObject(3, since.atOffset(ZoneOffset.UTC));
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    resent.add(rows.getString(1));
                }
            }
        }
        return resent;
    }
}
