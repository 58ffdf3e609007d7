package io.pushgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TestDatabaseTests {

    @Test
    void replacesTheDatabaseAndKeepsTheQuery() {
        assertThat(TestDatabase.replaceDatabase("postgresql://127.0.0.1:5432/postgres", "t1"))
                .isEqualTo("postgresql://127.0.0.1:5432/t1");
        assertThat(TestDatabase.replaceDatabase("postgresql://db:5432/postgres?sslmode=require", "t1"))
                .isEqualTo("postgresql://db:5432/t1?sslmode=require");
        assertThat(TestDatabase.replaceDatabase("postgresql://db:5432", "t1")).isEqualTo("postgresql://db:5432/t1");
    }

    @Test
    void triesTheConfiguredServerThenTestcontainersThenAnEmbeddedServer() {
        Map<String, String> configured = Map.of(TestDatabase.URL_VARIABLE, "postgresql://127.0.0.1:5432/postgres");

        assertThat(TestDatabase.source(configured, () -> true)).isEqualTo(TestDatabase.Source.SERVER);
        assertThat(TestDatabase.source(configured, () -> false)).isEqualTo(TestDatabase.Source.SERVER);
        assertThat(TestDatabase.source(Map.of(), () -> true)).isEqualTo(TestDatabase.Source.TESTCONTAINERS);
        assertThat(TestDatabase.source(Map.of(TestDatabase.URL_VARIABLE, " "), () -> false))
                .isEqualTo(TestDatabase.Source.EMBEDDED);
    }

    @Test
    void acceptsJdbcUrls() {
        assertThat(TestDatabase.withoutJdbcPrefix("jdbc:postgresql://db/x")).isEqualTo("postgresql://db/x");
        assertThat(TestDatabase.withoutJdbcPrefix("postgresql://db/x")).isEqualTo("postgresql://db/x");
    }

    @Test
    void refusesWhatIsNotAPostgresqlUrl() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TestDatabase.replaceDatabase("mysql://db/x", "t1"))
                .withMessageContaining("postgresql://host:port/database");
    }
}
