package io.pushgate.database;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Wrapped;

/**
 * Connections to the PostgreSQL server itself, each opened for one use and closed after it, never
 * taken from the pool: for what lives in a session — a {@code LISTEN}, a session-level advisory lock.
 * They go to {@code pushgate.db.direct-url} when that names another address than the pool's: past a
 * transaction-mode pooler (PgBouncer), which gives each transaction whatever server connection is
 * free, a session's state would stay behind on a server connection this service never reads again,
 * and a lock taken there would never be released. Otherwise to the pool's own server, unpooled.
 */
public final class ServerConnections {

    private final ConnectionFactory connections;

    /**
     * @param pool the service's pool (its server is used, unpooled, when there is no other address)
     * @param url the pool's libpq-style URL ({@code postgresql://host:port/database})
     * @param directUrl the server itself past a pooler; blank or equal to {@code url} when there is none
     * @param user the user the direct URL's connections log in as
     * @param password its password
     */
    public ServerConnections(ConnectionFactory pool, String url, String directUrl, String user, String password) {
        this.connections = !directUrl.isBlank() && !directUrl.equals(url)
                ? direct(directUrl, user, password)
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

    private static ConnectionFactory direct(String directUrl, String user, String password) {
        return ConnectionFactories.get(ConnectionFactoryOptions.parse("r2dbc:" + directUrl)
                .mutate()
                .option(ConnectionFactoryOptions.USER, user)
                .option(ConnectionFactoryOptions.PASSWORD, password)
                .build());
    }
}
