package io.pushgate.tenant.identity;

import io.pushgate.database.AdvisoryLock;
import io.pushgate.database.ServerConnections;
import io.pushgate.tenant.token.TokenSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Deletes the refresh-token families that can no longer refresh, with their tokens, every {@code
 * pushgate.tokens.refresh-token-prune-interval}, one instance at a time: a pass holds a session-level
 * advisory lock on a connection of its own to the server itself ({@link ServerConnections}: {@code
 * pushgate.db.direct-url} past a transaction-mode pooler), and runs its statements there; an instance
 * that does not get it leaves the pass to the one that has it. A pass ends by the next interval: one
 * still running then (a server that took the connection and never answers) is cut short, a WARN says
 * so, and the next pass tries again; each batch of deletes is committed on its own.
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

    private final AdvisoryLock lock;
    private final TokenSettings settings;
    private final Clock clock;
    private volatile Disposable schedule;

    RefreshTokenPruning(ServerConnections server, TokenSettings settings, Clock clock) {
        this.lock = server.lock(LOCK_NAME);
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void start() {
        Duration interval = settings.refreshTokenPruneInterval();
        schedule = Flux.interval(interval, interval)
                .onBackpressureDrop()
                // a pass ends by the next tick: one that never did (a server that takes the connection
                // and never answers) would hold every later pass back; each batch is committed on its
                // own, so a pass cut short loses nothing done
                .concatMap(tick -> runOnce(clock.instant())
                        .timeout(
                                interval,
                                Mono.error(() -> new TimeoutException("the pass did not end within " + interval)))
                        .onErrorResume(error -> {
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
        return lock.whileHeld(session -> prune(session, now), Mono.just(new Pruned(false, 0)));
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
