package io.pushgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class TestDatabaseIntegrationTests {

    @Test
    void givesThisRunAFreshDatabaseOfItsOwn() throws SQLException {
        TestDatabase database = TestDatabase.get();

        try (var connection = database.connect();
                var statement = connection.createStatement()) {
            try (var tables = statement.executeQuery(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")) {
                tables.next();
                assertThat(tables.getInt(1)).as("tables in a fresh database").isZero();
            }
            statement.execute("CREATE TABLE written_by_test (id int)");
            statement.execute("INSERT INTO written_by_test VALUES (1)");
        }
        assertThat(TestDatabase.get()).isSameAs(database);
    }
}
