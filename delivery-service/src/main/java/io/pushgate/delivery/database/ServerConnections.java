package io.pushgate.delivery.database;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Wrapped;
import org.springframework.stereotype.Component;

/**
 * Connections to the PostgreSQL server itself, each opened for one use and closed after it, never
 * taken from the pool: for what lives in a session — a {@code LISTEN}, a session-level advisory lock.
 * They go to {@code pushgate.db.direct-url} when that names another address than the pool's: past a
 * transaction-mode pooler (PgBouncer), which gives each transaction whatever server connection is
 * free, a session's state would stay behind on a server connection this service never reads again,
 * and a lock taken there would never be released. Otherwise to the pool's own server, unpooled.
 */
@Component
public class ServerConnections {

    private final ConnectionFactory connections;

    ServerConnections(ConnectionFactory pool, DatabaseSettings database) {
        this.connections = database.direct()
                ? direct(database)
                : pool instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof ConnectionFactory raw ? raw : pool;
    }

    /** Where each connection of its own comes from. */
    public ConnectionFactory factory() {
        return connections;
    }

    /** The advisory lock {@code name}, held on a connection of its own while work runs under it. */
    public AdvisoryLock lock(String name) {
        return new AdvisoryLock(connections, name);
    }

    private static ConnectionFactory direct(DatabaseSettings database) {
        return ConnectionFactories.get(ConnectionFactoryOptions.parse("r2dbc:" + database.directUrl())
                .mutate()
                .option(ConnectionFactoryOptions.USER, database.user())
                .option(ConnectionFactoryOptions.PASSWORD, database.password())
                .build());
    }
}
