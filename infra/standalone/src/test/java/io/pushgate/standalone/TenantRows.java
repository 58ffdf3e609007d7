package io.pushgate.standalone;

import io.pushgate.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Everything of one tenant's in both services' schemas, each row as the md5 of all its columns
 * (sealed secrets, key material, hashes, statuses, times): a change to any of it, a row added for
 * the tenant or one taken away changes the snapshot. The tables are found in the catalog (every
 * table of {@code tenancy} and {@code delivery} with a {@code tenant_id}, partitions read through
 * their parent), so that a new table is covered without editing this — except the dashboard's rollup
 * ({@code delivery.stats_minute}) and its counts of active registrations ({@code
 * delivery.registration_count}), which the platform writes on its own schedule from the tenant's own
 * traffic and registrations (a flush every few seconds, the expiries every minute, a recount every few
 * hours): no request writes them, and the registrations they count are in the snapshot.
 */
final class TenantRows {

    private TenantRows() {}

    static Map<String, List<String>> snapshot(TestDatabase database, UUID tenantId) throws SQLException {
        Map<String, List<String>> state = new TreeMap<>();
        try (Connection connection = database.connect()) {
            List<String> tables = new ArrayList<>();
            try (var columns = connection.prepareStatement("""
                            SELECT c.table_schema || '.' || c.table_name
                              FROM information_schema.columns c
                              JOIN pg_catalog.pg_namespace n ON n.nspname = c.table_schema
                              JOIN pg_catalog.pg_class r ON r.relnamespace = n.oid AND r.relname = c.table_name
                             WHERE c.table_schema IN ('tenancy', 'delivery') AND c.column_name = 'tenant_id'
                               AND NOT r.relispartition AND r.relkind IN ('r', 'p')
                             ORDER BY 1""");
                    var rows = columns.executeQuery()) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            tables.remove("delivery.stats_minute");
            tables.remove("delivery.registration_count");
            tables.add("tenancy.tenant");
            for (String table : tables) {
                String key = table.equals("tenancy.tenant") ? "id" : "tenant_id";
                try (var select = connection.prepareStatement(
                        "SELECT md5(row_to_json(t)::text) FROM " + table + " t WHERE t." + key + " = ? ORDER BY 1")) {
                    select.setObject(1, tenantId);
                    List<String> hashes = new ArrayList<>();
                    try (var rows = select.executeQuery()) {
                        while (rows.next()) {
                            hashes.add(rows.getString(1));
                        }
                    }
                    state.put(table, hashes);
                }
            }
        }
        return state;
    }
}
