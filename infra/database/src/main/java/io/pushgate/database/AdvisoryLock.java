package io.pushgate.database;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.springframework.r2dbc.connection.SingleConnectionFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Work that one instance at a time does across the database: while it runs, its instance holds a
 * session-level advisory lock ({@code pg_try_advisory_lock} of the name's hash) on a connection of its
 * own to the server itself ({@link ServerConnections#lock}), which PostgreSQL releases by itself if
 * that connection or its process dies. An instance that
 * does not get the lock does not wait for it: it leaves the work to the one that has it.
 */
public final class AdvisoryLock {

    private final ConnectionFactory connections;
    private final String name;

    AdvisoryLock(ConnectionFactory connections, String name) {
        this.connections = connections;
        this.name = name;
    }

    /**
     * {@code work} under the lock, given the session that holds it (for work that must run on that
     * connection); {@code otherwise} when another instance holds it. The lock is released, and any
     * setting the work made on the session is reset, before the connection goes back to the pool.
     */
    public <T> Mono<T> whileHeld(Function<DatabaseClient, Mono<T>> work, Mono<T> otherwise) {
        return whileHeld(work, otherwise, null);
    }

    /**
     * {@link #whileHeld(Function, Mono)}, but connecting and asking for the lock must each be answered
     * within {@code acquireWithin}, else it fails with a {@link TimeoutException} (the work not begun):
     * a server that takes the connection and never answers must not hold back, for ever, work that is
     * scheduled again — a bound for the whole work would cut a long one short instead.
     */
    public <T> Mono<T> whileHeld(Function<DatabaseClient, Mono<T>> work, Mono<T> otherwise, Duration acquireWithin) {
        return Mono.usingWhen(
                within(Mono.from(connections.create()), acquireWithin, "no connection to the server"),
                connection -> {
                    DatabaseClient session = session(connection);
                    return Mono.usingWhen(
                            within(lock(session), acquireWithin, "no answer to pg_try_advisory_lock"),
                            locked -> locked ? work.apply(session) : otherwise,
                            locked -> unlock(session, locked),
                            (locked, error) -> unlock(session, locked),
                            locked -> unlock(session, locked));
                },
                connection -> Mono.from(connection.close()),
                (connection, error) -> Mono.from(connection.close()),
                connection -> Mono.from(connection.close()));
    }

    private static <T> Mono<T> within(Mono<T> step, Duration bound, String what) {
        return bound == null
                ? step
                : step.timeout(bound, Mono.error(() -> new TimeoutException(what + " within " + bound)));
    }

    private DatabaseClient session(Connection connection) {
        return DatabaseClient.create(new SingleConnectionFactory(connection, connections.getMetadata(), true));
    }

    private Mono<Boolean> lock(DatabaseClient session) {
        return session.sql("SELECT pg_try_advisory_lock(hashtext($1)) AS locked")
                .bind(0, name)
                .map((row, metadata) -> row.get("locked", Boolean.class))
                .one();
    }

    private Mono<Void> unlock(DatabaseClient session, boolean locked) {
        if (!locked) {
            return Mono.empty();
        }
        return session.sql("SELECT pg_advisory_unlock(hashtext($1))")
                .bind(0, name)
                .then()
                .then(session.sql("RESET ALL").then());
    }
}
