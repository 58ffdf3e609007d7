package io.pushgate.drills;

import io.pushgate.embeddedpg.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The drill's own PostgreSQL: embedded (infra/embedded-postgres), in the drill's work folder, on a
 * free port of 127.0.0.1. A drill may stop and start it ({@link #stop()}, {@link #restart()}) — never
 * the machine's PostgreSQL, which others use. {@code fsync} stays on: a drill about durability must
 * not run on a database that may lose what it committed.
 */
final class DrillDatabase implements AutoCloseable {

    static final String NAME = "pushgate";

    private final Path folder;
    private final String password = "drill-" + UUID.randomUUID();
    private EmbeddedPostgres server;
    private int port;

    private DrillDatabase(Path folder) {
        this.folder = folder;
    }

    static DrillDatabase start(Path folder) {
        DrillDatabase database = new DrillDatabase(folder);
        database.server =
                EmbeddedPostgres.start(folder.resolve("data"), folder.resolve("postgres.log"), true, database.password);
        database.port = database.server.port();
        database.server.createDatabaseIfMissing(NAME);
        return database;
    }

    /** {@code postgresql://127.0.0.1:<port>/pushgate}, as {@code PUSHGATE_DB_URL} takes it. */
    String url() {
        return server.url(NAME);
    }

    String user() {
        return EmbeddedPostgres.SUPERUSER;
    }

    String password() {
        return password;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:" + url(), user(), password);
    }

    /** Stops the server (fast shutdown: open connections are closed), as an outage does. */
    synchronized void stop() {
        server.close();
    }

    /** Starts it again on the same port and data, where its clients look for it. */
    synchronized void restart() {
        server = EmbeddedPostgres.start(folder.resolve("data"), folder.resolve("postgres.log"), true, password, port);
    }

    @Override
    public synchronized void close() {
        server.close();
    }
}
