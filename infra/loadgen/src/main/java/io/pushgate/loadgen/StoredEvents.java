package io.pushgate.loadgen;

import java.sql.Array;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

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
}
