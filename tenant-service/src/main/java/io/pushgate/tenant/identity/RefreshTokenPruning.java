package io.pushgate.tenant.identity;

import io.pushgate.tenant.token.TokenSettings;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.connection.SingleConnectionFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Deletes the refresh-token families that can no longer refresh, with their tokens, every {@code
 * pushgate.tokens.refresh-token-prune-interval}, one instance at a time: a pass holds a session-level
 * advisory lock on its own connection, and an instance that does not get it leaves the pass to the
 * one that has it.
 *
 * <p>A family is deleted once it has been dead for {@code refresh-token-max-lifetime} more (12 h by
 * default): past its absolute lifetime, revoked, or with every token past the idle timeout. Until
 * then a spent token of it presented again is still recognised as a replay (and audited); after, it
 * is an unknown token, which the caller is answered exactly alike.
 */
@Component
class RefreshTokenPruning implements SmartLifecycle {

    /** The advisory lock of the pass, one key across the database: the text's hash. */
    static final String LOCK_NAME = "pushgate.tenant.refresh-tokens";

    static final int BATCH = 1_000;

    private static final Logger log = LoggerFactory.getLogger(RefreshTokenPruning.class);

    /**
     * What a pass did.
     *
     * @param ran false when another instance's pass held the lock (then nothing was done)
     * @param families the families deleted, with all their tokens
     */
    record Pruned(boolean ran, long families) {}

    private final ConnectionFactory connections;
    private final TokenSettings settings;
    private final Clock clock;
    private volatile Disposable schedule;

    RefreshTokenPruning(ConnectionFactory connections, TokenSettings settings, Clock clock) {
        this.connections = connections;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void start() {
        Duration interval = settings.refreshTokenPruneInterval();
        schedule = Flux.interval(interval, interval)
                .onBackpressureDrop()
                .concatMap(tick -> runOnce(clock.instant()).onErrorResume(error -> {
                    log.warn("Pruning the refresh tokens failed ({}); again in {}", error, interval);
                    return Mono.empty();
                }))
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = schedule;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return schedule != null && !schedule.isDisposed();
    }

    /** One pass as if the time were {@code now}. */
    Mono<Pruned> runOnce(Instant now) {
        return Mono.usingWhen(
                Mono.from(connections.create()),
                connection -> {
                    DatabaseClient session = DatabaseClient.create(
                            new SingleConnectionFactory(connection, connections.getMetadata(), true));
                    return Mono.usingWhen(
                            session.sql("SELECT pg_try_advisory_lock(hashtext(:name)) AS locked")
                                    .bind("name", LOCK_NAME)
                                    .map(row -> row.get("locked", Boolean.class))
                                    .one(),
                            locked -> locked ? prune(session, now) : Mono.just(new Pruned(false, 0)),
                            locked -> unlock(session, locked),
                            (locked, error) -> unlock(session, locked),
                            locked -> unlock(session, locked));
                },
                connection -> Mono.from(connection.close()),
                (connection, error) -> Mono.from(connection.close()),
                connection -> Mono.from(connection.close()));
    }

    private static Mono<Void> unlock(DatabaseClient session, boolean locked) {
        return locked
                ? session.sql("SELECT pg_advisory_unlock(hashtext(:name))")
                        .bind("name", LOCK_NAME)
                        .then()
                : Mono.empty();
    }

    /** Batches of {@value #BATCH} families, each statement its own short transaction. */
    private Mono<Pruned> prune(DatabaseClient session, Instant now) {
        Duration grace = settings.refreshTokenMaxLifetime();
        Mono<Long> batch = session.sql("""
                        DELETE FROM tenancy.refresh_family WHERE id IN (
                            SELECT f.id FROM tenancy.refresh_family f
                             WHERE f.started_at < :lifetimeEnded
                                OR f.revoked_at < :revoked
                                OR NOT EXISTS (SELECT 1 FROM tenancy.refresh_token t
                                                WHERE t.family_id = f.id AND t.issued_at >= :idle)
                             LIMIT :batch)""")
                .bind(
                        "lifetimeEnded",
                        now.minus(settings.refreshTokenMaxLifetime()).minus(grace))
                .bind("revoked", now.minus(grace))
                .bind("idle", now.minus(settings.refreshTokenIdleTimeout()).minus(grace))
                .bind("batch", BATCH)
                .fetch()
                .rowsUpdated();
        return batch.expand(deleted -> deleted < BATCH ? Mono.empty() : batch)
                .reduce(0L, Long::sum)
                .doOnNext(deleted -> {
                    if (deleted > 0) {
                        log.info("Deleted {} refresh-token families that can no longer refresh", deleted);
                    }
                })
                .map(deleted -> new Pruned(true, deleted));
    }
}
