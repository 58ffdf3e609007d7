package io.pushgate.tenant.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.tenant.ControlPlaneTest;
import io.pushgate.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * With {@code pushgate.db.direct-url} naming another address than {@code pushgate.db.url} (the server
 * itself behind a transaction-mode PgBouncer), the refresh-token pruning holds its advisory lock, and
 * runs its deletes, on a session of the direct URL, never on one of the pool: through such a pooler
 * the lock would stay behind on whatever server connection ran the statement, and no instance's next
 * pass would get it. The two URLs differ here by an application name, which PostgreSQL shows per
 * session.
 */
@ControlPlaneTest
@TestPropertySource(properties = "pushgate.db.direct-url=${pushgate.db.url}?applicationName=pushgate-direct")
class RefreshTokenPruningPastPoolerIntegrationTests {

    private static final String LOCK_HOLDER = """
            SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted AND l.objid::int = hashtext(?)""";

    private static final String WAITING_DELETE = """
            SELECT application_name FROM pg_stat_activity
             WHERE wait_event_type = 'Lock' AND query LIKE '%DELETE FROM tenancy.refresh_family%'""";

    @Autowired
    RefreshTokenPruning pruning;

    @Test
    void thePassHoldsItsLockAndDeletesOnTheDirectUrl() throws Exception {
        try (Connection test = TestDatabase.get().connect()) {
            test.setAutoCommit(false);
            // the pass's delete waits for this (SHARE conflicts with a delete's ROW EXCLUSIVE) while it
            // holds the lock: long enough to see where both are
            test.createStatement().execute("LOCK TABLE tenancy.refresh_family IN SHARE MODE");
            CompletableFuture<RefreshTokenPruning.Pruned> pass =
                    pruning.runOnce(Instant.parse("2020-06-10T12:00:00Z")).toFuture();

            String deleting = awaitOne(WAITING_DELETE, null);
            String holder = awaitOne(LOCK_HOLDER, RefreshTokenPruning.LOCK_NAME);
            test.rollback();

            assertThat(holder).isEqualTo("pushgate-direct");
            assertThat(deleting).isEqualTo("pushgate-direct");
            assertThat(pass.get(10, TimeUnit.SECONDS).ran()).isTrue();
        }
    }

    /** The one row's text once there is one (within 10 s), else {@code null}. */
    private static String awaitOne(String sql, String parameter) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try (Connection connection = TestDatabase.get().connect();
                var statement = connection.prepareStatement(sql)) {
            if (parameter != null) {
                statement.setString(1, parameter);
            }
            while (System.nanoTime() < deadline) {
                try (var rows = statement.executeQuery()) {
                    if (rows.next()) {
                        return rows.getString(1);
                    }
                }
                Thread.sleep(20);
            }
        }
        return null;
    }
}
