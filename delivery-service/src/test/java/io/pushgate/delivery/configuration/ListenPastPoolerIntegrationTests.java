package io.pushgate.delivery.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.testkit.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * With {@code pushgate.db.direct-url} naming another address than {@code pushgate.db.url} (the server
 * itself behind a transaction-mode PgBouncer), the {@code LISTEN} connection goes there and the pool
 * does not. The two URLs differ here by an application name, which PostgreSQL shows per session.
 */
@DeliveryServiceTest(properties = "pushgate.db.direct-url=${pushgate.db.url}?applicationName=pushgate-direct")
class ListenPastPoolerIntegrationTests {

    @Autowired
    ConfigurationChangeListener listener;

    @Test
    void listensOnTheDirectUrlAndPoolsOnTheOther() throws Exception {
        for (int i = 0; i < 200 && !listener.isListening(); i++) {
            Thread.sleep(100);
        }
        assertThat(listener.isListening()).isTrue();

        // the direct URL also carries the advisory locks' connections (the dashboard count's, at the
        // context's start), each closed after its work: wait until those are gone
        List<String> listening = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 100 && (listening.isEmpty() || others.contains("pushgate-direct")); i++) {
            Thread.sleep(i == 0 ? 0 : 100);
            listening.clear();
            others.clear();
            sessions(listening, others);
        }
        assertThat(listening).containsExactly("pushgate-direct");
        assertThat(others).isNotEmpty().doesNotContain("pushgate-direct");
    }

    /** The application name of each other session of the database: those that listen, and the rest. */
    private static void sessions(List<String> listening, List<String> others) throws Exception {
        try (var connection = TestDatabase.get().connect();
                var statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT application_name, query FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
            while (rows.next()) {
                (rows.getString(2).startsWith("LISTEN ") ? listening : others).add(rows.getString(1));
            }
        }
    }
}
