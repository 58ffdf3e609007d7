package io.pushgate.embeddedpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresIntegrationTests {

    private static final String PASSWORD = "test-password";

    @TempDir
    Path folder;

    @Test
    void letsNoOneInWithoutThePassword() throws Exception {
        try (var postgres = EmbeddedPostgres.start(folder.resolve("data"), folder.resolve("pg.log"), true, PASSWORD)) {
            assertThatExceptionOfType(java.sql.SQLException.class)
                    .isThrownBy(
                            () -> DriverManager.getConnection("jdbc:" + postgres.url("postgres"), "postgres", "guess"))
                    .withMessageContaining("password authentication failed");
        }
    }

    @Test
    void keepsItsDataAcrossRestarts() throws Exception {
        Path data = folder.resolve("data");
        try (var postgres = EmbeddedPostgres.start(data, folder.resolve("pg.log"), true, PASSWORD)) {
            postgres.createDatabaseIfMissing("kept");
            postgres.createDatabaseIfMissing("kept"); // a second time is fine
            try (var connection = DriverManager.getConnection("jdbc:" + postgres.url("kept"), "postgres", PASSWORD);
                    var statement = connection.createStatement()) {
                statement.execute("CREATE TABLE note (text text)");
                statement.execute("INSERT INTO note VALUES ('still here')");
            }
        }
        try (var postgres = EmbeddedPostgres.start(data, folder.resolve("pg.log"), true, PASSWORD);
                var connection = DriverManager.getConnection("jdbc:" + postgres.url("kept"), "postgres", PASSWORD);
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
                .isThrownBy(
                        () -> EmbeddedPostgres.start(folder.resolve("data"), folder.resolve("pg.log"), true, PASSWORD))
                .withMessageContaining("is not a PostgreSQL data directory");
    }

    @Test
    void refusesAClusterWhoseVersionFileIsDamaged() throws Exception {
        Files.createDirectories(folder.resolve("data"));
        Files.writeString(folder.resolve("data").resolve("PG_VERSION"), "");

        assertThatExceptionOfType(EmbeddedPostgresException.class)
                .isThrownBy(
                        () -> EmbeddedPostgres.start(folder.resolve("data"), folder.resolve("pg.log"), true, PASSWORD))
                .withMessageContaining("is not a PostgreSQL data directory (its PG_VERSION is damaged)");
    }

    @Test
    void refusesAClusterOfAnotherMajorVersion() throws Exception {
        Files.createDirectories(folder.resolve("data"));
        Files.writeString(folder.resolve("data").resolve("PG_VERSION"), "9\n");

        assertThatExceptionOfType(EmbeddedPostgresException.class)
                .isThrownBy(
                        () -> EmbeddedPostgres.start(folder.resolve("data"), folder.resolve("pg.log"), true, PASSWORD))
                .withMessageContaining("was created by PostgreSQL 9 but this build runs PostgreSQL");
    }

    @Test
    void saysWhyAServerDoesNotStart() throws Exception {
        Path data = folder.resolve("data");
        try (var postgres = EmbeddedPostgres.start(data, folder.resolve("pg.log"), true, PASSWORD)) {
            assertThat(postgres.port()).isPositive();
        }
        Files.writeString(data.resolve("postgresql.auto.conf"), "shared_buffers = 'plenty'\n");

        assertThatExceptionOfType(EmbeddedPostgresException.class)
                .isThrownBy(() -> EmbeddedPostgres.start(data, folder.resolve("pg.log"), true, PASSWORD))
                .withMessageStartingWith("embedded PostgreSQL did not start: ");
    }
}
