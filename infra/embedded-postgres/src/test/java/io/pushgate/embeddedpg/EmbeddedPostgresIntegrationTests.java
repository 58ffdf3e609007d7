package io.pushgate.embeddedpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresIntegrationTests {

    @TempDir
    Path folder;

    @Test
    void keepsItsDataAcrossRestarts() throws Exception {
        Path data = folder.resolve("data");
        try (var postgres = EmbeddedPostgres.start(data, folder.resolve("pg.log"), true)) {
            postgres.createDatabaseIfMissing("kept");
            postgres.createDatabaseIfMissing("kept"); // a second time is fine
            try (var connection = DriverManager.getConnection("jdbc:" + postgres.url("kept"), "postgres", "");
                    var statement = connection.createStatement()) {
                statement.execute("CREATE TABLE note (text text)");
                statement.execute("INSERT INTO note VALUES ('still here')");
            }
        }
        try (var postgres = EmbeddedPostgres.start(data, folder.resolve("pg.log"), true);
                var connection = DriverManager.getConnection("jdbc:" + postgres.url("kept"), "postgres", "");
                var rows = connection.createStatement().executeQuery("SELECT text FROM note")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("still here");
        }
    }

    @Test
    void refusesAFolderThatIsNoCluster() throws Exception {
        Files.createDirectories(folder.resolve("data"));
        Files.writeString(folder.resolve("data").resolve("something.txt"), "x");

        assertThatExceptionOfType(EmbeddedPostgresException.class)
                .isThrownBy(() -> EmbeddedPostgres.start(folder.resolve("data"), folder.resolve("pg.log"), true))
                .withMessageContaining("is not a PostgreSQL data directory");
    }

    @Test
    void refusesAClusterOfAnotherMajorVersion() throws Exception {
        Files.createDirectories(folder.resolve("data"));
        Files.writeString(folder.resolve("data").resolve("PG_VERSION"), "9\n");

        assertThatExceptionOfType(EmbeddedPostgresException.class)
                .isThrownBy(() -> EmbeddedPostgres.start(folder.resolve("data"), folder.resolve("pg.log"), true))
                .withMessageContaining("was created by PostgreSQL 9 but this build runs PostgreSQL");
    }

    @Test
    void saysWhyAServerDoesNotStart() throws Exception {
        Path data = folder.resolve("data");
        try (var postgres = EmbeddedPostgres.start(data, folder.resolve("pg.log"), true)) {
            assertThat(postgres.port()).isPositive();
        }
        Files.writeString(data.resolve("postgresql.auto.conf"), "shared_buffers = 'plenty'\n");

        assertThatExceptionOfType(EmbeddedPostgresException.class)
                .isThrownBy(() -> EmbeddedPostgres.start(data, folder.resolve("pg.log"), true))
                .withMessageStartingWith("embedded PostgreSQL did not start: ");
    }
}
