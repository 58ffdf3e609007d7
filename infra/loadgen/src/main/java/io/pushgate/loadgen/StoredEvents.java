package io.pushgate.loadgen;

import java.sql.Array;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The check that nothing acknowledged was lost: every accepted eventId has its notification row. */
final class StoredEvents {

    private static final int CHUNK = 50_000;

    private StoredEvents() {}

    /** How many of {@code eventIds} have no row in {@code delivery.notification}. */
    static long missing(BenchOptions.Database database, Collection<String> eventIds) throws SQLException {
        List<String> ids = new ArrayList<>(eventIds);
        long missing = 0;
        try (var connection = DriverManager.getConnection(database.url(), database.user(), database.password());
                var query = connection.prepareStatement(
                        "SELECT count(*) FROM unnest(?::text[]) AS accepted(event_id)"
                                + " WHERE NOT EXISTS (SELECT 1 FROM delivery.notification n WHERE n.event_id = accepted.event_id)")) {
            for (int from = 0; from < ids.size(); from += CHUNK) {
                Array chunk = connection.createArrayOf(
                        "text",
                        ids.subList(from, Math.min(ids.size(), from + CHUNK)).toArray());
                query.setArray(1, chunk);
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
     * connection), so it was retried — at least once, by design, with the same collapse key.
     */
    static Set<String> resentAfterUnknownOutcome(BenchOptions.Database database, Collection<String> eventIds)
            throws SQLException {
        Set<String> resent = new HashSet<>();
        if (eventIds.isEmpty()) {
            return resent;
        }
        try (var connection = DriverManager.getConnection(database.url(), database.user(), database.password());
                var query = connection.prepareStatement("SELECT DISTINCT n.event_id FROM delivery.notification n"
                        + " JOIN delivery.attempt a ON a.notification_id = n.id"
                        + " WHERE n.event_id = ANY (?::text[]) AND a.outcome = 'retry'"
                        + " AND a.error_code IN ('timeout', 'io_error', 'channel_closed')")) {
            query.setArray(1, connection.createArrayOf("text", eventIds.toArray()));
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    resent.add(rows.getString(1));
                }
            }
        }
        return resent;
    }
}
