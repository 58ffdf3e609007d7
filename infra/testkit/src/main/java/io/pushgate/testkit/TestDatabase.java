package io.pushgate.testkit;

import io.pushgate.embeddedpg.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL database of this test run, found once per JVM in this order:
 *
 * <ol>
 *   <li>{@code PUSHGATE_TEST_DB_URL} (with {@code PUSHGATE_TEST_DB_USER}, {@code
 *       PUSHGATE_TEST_DB_PASSWORD}): a server the run may create databases on; a fresh database is
 *       created for this run and dropped when it ends, so runs never see each other's data;
 *   <li>a Testcontainers PostgreSQL, where a Docker engine answers;
 *   <li>an embedded PostgreSQL in a temporary folder.
 * </ol>
 *
 * @param url libpq-style ({@code postgresql://host:port/database}), as {@code PUSHGATE_DB_URL} takes it
 * @param source how it was found, for a test report
 */
public record TestDatabase(String url, String user, String password, String source) {

    public static final String URL_VARIABLE = "PUSHGATE_TEST_DB_URL";

    private static final Pattern SERVER_URL = Pattern.compile("(postgresql://[^/?]+)(?:/[^?]*)?(\\?.*)?");

    private static volatile TestDatabase instance;

    /** This run's database, provisioned on first use. */
    public static TestDatabase get() {
        TestDatabase database = instance;
        if (database == null) {
            synchronized (TestDatabase.class) {
                database = instance;
                if (database == null) {
                    database = instance = provision(System.getenv());
                    // one line per test JVM, so a report shows which PostgreSQL the run used
                    System.out.println("Test database (" + database.source() + "): " + database.url());
                }
            }
        }
        return database;
    }

    /**
     * Another empty database on this run's server, dropped when the JVM ends: for a test that
     * starts a whole platform with its own keyset, which cannot open the secrets another platform
     * sealed into this run's database (its signing key above all).
     */
    public static TestDatabase fresh() {
        TestDatabase server = get();
        String name = newName();
        try (Connection admin = server.connect();
                var statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " beside " + server.url(), e);
        }
        TestDatabase database = new TestDatabase(
                replaceDatabase(server.url(), name), server.user(), server.password(), server.source());
        if (server.source().equals(URL_VARIABLE)) { // an embedded or container server goes with the JVM
            String maintenance = replaceDatabase(server.url(), "postgres");
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> drop(maintenance, server.user(), server.password(), name), "drop-" + name));
        }
        return database;
    }

    public String jdbcUrl() {
        return "jdbc:" + url;
    }

    public String r2dbcUrl() {
        return "r2dbc:" + url;
    }

    /** A new JDBC connection, for a test that checks what a service wrote. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /** The tables of {@code schema}, for a test that checks what a service migrated. */
    public List<String> tablesIn(String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection connection = connect();
                var query = connection.prepareStatement(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name")) {
            query.setString(1, schema);
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
        }
        return tables;
    }

    /** The services' own properties that point them at this database. */
    public Map<String, Object> serviceProperties() {
        return Map.of("pushgate.db.url", url, "pushgate.db.user", user, "pushgate.db.password", password);
    }

    /** Where this run's PostgreSQL comes from, in the order they are tried. */
    enum Source {
        SERVER,
        TESTCONTAINERS,
        EMBEDDED
    }

    /** The first of the sources that this environment offers. */
    static Source source(Map<String, String> environment, BooleanSupplier dockerAnswers) {
        String serverUrl = environment.get(URL_VARIABLE);
        if (serverUrl != null && !serverUrl.isBlank()) {
            return Source.SERVER;
        }
        return dockerAnswers.getAsBoolean() ? Source.TESTCONTAINERS : Source.EMBEDDED;
    }

    private static TestDatabase provision(Map<String, String> environment) {
        return switch (source(environment, () -> DockerClientFactory.instance().isDockerAvailable())) {
            case SERVER ->
                freshDatabaseOn(
                        withoutJdbcPrefix(environment.get(URL_VARIABLE).strip()),
                        environment.getOrDefault("PUSHGATE_TEST_DB_USER", "postgres"),
                        environment.getOrDefault("PUSHGATE_TEST_DB_PASSWORD", ""));
            case TESTCONTAINERS -> container();
            case EMBEDDED -> embedded();
        };
    }

    private static TestDatabase freshDatabaseOn(String serverUrl, String user, String password) {
        String name = newName();
        try (Connection admin = DriverManager.getConnection("jdbc:" + serverUrl, user, password);
                var statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    URL_VARIABLE + " is set, but no database could be created on " + serverUrl + ": " + e.getMessage(),
                    e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(serverUrl, user, password, name), "drop-" + name));
        return new TestDatabase(replaceDatabase(serverUrl, name), user, password, URL_VARIABLE);
    }

    private static String newName() {
        return "pushgate_test_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + "_"
                + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    }

    private static void drop(String serverUrl, String user, String password, String name) {
        try (Connection admin = DriverManager.getConnection("jdbc:" + serverUrl, user, password);
                var statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("Could not drop test database " + name + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM ends
    private static TestDatabase container() {
        var container = new PostgreSQLContainer("postgres:17-alpine");
        container.start();
        String url = withoutJdbcPrefix(container.getJdbcUrl());
        return new TestDatabase(url, container.getUsername(), container.getPassword(), "Testcontainers");
    }

    private static TestDatabase embedded() {
        try {
            Path folder = Files.createTempDirectory("pushgate-test-postgres");
            String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
            EmbeddedPostgres postgres =
                    EmbeddedPostgres.start(folder.resolve("data"), folder.resolve("postgres.log"), false, password);
            postgres.createDatabaseIfMissing("pushgate_test");
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                postgres.close();
                                deleteQuietly(folder);
                            },
                            "embedded-postgres-stop"));
            return new TestDatabase(postgres.url("pushgate_test"), EmbeddedPostgres.SUPERUSER, password, "embedded");
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a folder for the embedded PostgreSQL", e);
        }
    }

    static String withoutJdbcPrefix(String url) {
        return url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
    }

    /** The same server URL with another database: the path is replaced, query parameters are kept. */
    static String replaceDatabase(String serverUrl, String database) {
        Matcher url = SERVER_URL.matcher(serverUrl);
        if (!url.matches()) {
            throw new IllegalArgumentException(
                    URL_VARIABLE + " must look like postgresql://host:port/database, not " + serverUrl);
        }
        return url.group(1) + "/" + database + (url.group(2) == null ? "" : url.group(2));
    }

    private static void deleteQuietly(Path folder) {
        try (var paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the operating system cleans it up eventually
        }
    }
}
