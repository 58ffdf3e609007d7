package io.pushgate.delivery.registration;

import io.pushgate.delivery.batching.Unnest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Each configuration's count of active registrations — neither invalidated nor expired — kept as it
 * changes ({@code delivery.registration_count}, V12), so that the dashboard's count does not read the
 * registration table (on ten million registrations a count of the table was seconds of a core, and it
 * showed in the callbacks' tails):
 *
 * <ul>
 *   <li>every registration {@link Registrations} writes, deletes or invalidates is a change of +1 or −1
 *       in this instance's memory, which {@link #flush()} adds to the counts;
 *   <li>{@link #expire()} subtracts the registrations whose expiry passed since the last time it ran
 *       ({@code expired_through}), found by the expiry index: a minute's expiries, not the table. Until
 *       then a registration past its expiry is still counted, and a write that finds one (a device
 *       registering again) counts it as the count does, so the two never disagree;
 *   <li>a recount ({@link #snapshot()}, {@link #activeCounts(long, long, Instant)} over the table slice
 *       by slice, {@link #correct(Snapshot, Map)}) repairs what nothing else can: changes of a process
 *       killed before it added them, a write that timed out after the database made it, two writes of
 *       one registration at the same moment, rows written by hand.
 * </ul>
 */
@Service
public class ActiveRegistrations {

    /** A configuration's registrations that are neither invalidated nor expired. */
    public record ActiveCount(UUID tenantId, UUID configurationId, long active) {}

    /** A configuration of a tenant, whose registrations are counted together. */
    public record Configuration(UUID tenantId, UUID configurationId) {}

    /**
     * The counts at one moment, with the time up to which expiries had been subtracted from them: where a
     * recount starts.
     */
    public record Snapshot(Instant expiredThrough, Map<Configuration, Long> counts) {}

    /** In SQL: the time up to which expiries have been subtracted (a registration counted expires after it). */
    static final String EXPIRED_THROUGH =
            "(SELECT at FROM delivery.registration_count_state WHERE name = 'expired_through')";

    private static final Unnest<ActiveCount> CHANGES = Unnest.<ActiveCount>columns()
            .uuid("tenant_id", ActiveCount::tenantId)
            .uuid("configuration_id", ActiveCount::configurationId)
            .int8("change", ActiveCount::active);

    /**
     * Adds each change to its count. In the counts' key order, as the expiry's subtraction does, so that two
     * statements adding to the same counts lock them in the same order and never wait for each other in a
     * circle.
     */
    private static final String ADD = """
            INSERT INTO delivery.registration_count AS c (tenant_id, configuration_id, active)
            SELECT tenant_id, configuration_id, change FROM %s ORDER BY tenant_id, configuration_id
            ON CONFLICT (tenant_id, configuration_id) DO UPDATE SET active = c.active + EXCLUDED.active""".formatted(CHANGES.as("u"));

    /**
     * Registrations whose expiry an expiry pass reads at most in one statement (with those expiring at the
     * same instant as the last of them): after every instance was stopped for a week, the first pass has a
     * week's expiries to subtract (8.5 million active spread over 30 days: about two million), and one
     * statement holds every count's row lock, and every flush waits for it, until it ends (on the big store
     * of docs/PERFORMANCE.md, 2.4 s for 500,000 in one statement; 3,555 in 20 ms).
     */
    static final int EXPIRY_BATCH = 10_000;

    /**
     * Subtracts the registrations that expired between {@code expired_through} and now (not invalidated:
     * those were subtracted when they were), but no further than the {@code $1}-th expiry after the mark
     * in the expiry index (with every one at that same instant), and moves {@code expired_through} to
     * where it stopped, in one statement; answers how many were subtracted and whether it got to now.
     */
    static final String EXPIRE = """
            WITH before AS (
                SELECT at FROM delivery.registration_count_state WHERE name = 'expired_through'
            ), last AS (
                SELECT expires_at AS at FROM delivery.registration
                 WHERE expires_at > (SELECT at FROM before) AND expires_at <= now()
                 ORDER BY expires_at OFFSET $1 - 1 LIMIT 1
            ), moved AS (
                UPDATE delivery.registration_count_state s
                   SET at = greatest(s.at, coalesce((SELECT at FROM last), now()))
                  FROM before
                 WHERE s.name = 'expired_through'
                RETURNING before.at AS since, s.at AS through
            ), expired AS (
                SELECT r.tenant_id, r.configuration_id, count(*) AS expired
                  FROM delivery.registration r, moved
                 WHERE r.expires_at > moved.since AND r.expires_at <= moved.through AND r.invalidated_at IS NULL
                 GROUP BY r.tenant_id, r.configuration_id
            ), subtracted AS (
                INSERT INTO delivery.registration_count AS c (tenant_id, configuration_id, active)
                SELECT tenant_id, configuration_id, -expired FROM expired ORDER BY tenant_id, configuration_id
                ON CONFLICT (tenant_id, configuration_id) DO UPDATE SET active = c.active + EXCLUDED.active
            )
            SELECT coalesce(sum(expired), 0)::bigint AS expired, NOT EXISTS (SELECT 1 FROM last) AS caught_up
              FROM expired""";

    /**
     * A slice of a recount: the registrations counted ({@code $3}: expiring after the snapshot's {@code
     * expired_through}) among the rows stored in blocks {@code $1} (inclusive) to {@code $2} (exclusive).
     */
    static final String COUNTED_IN_BLOCKS = """
            SELECT tenant_id, configuration_id, count(*) AS active FROM delivery.registration
             WHERE ctid >= format('(%s,0)', $1::bigint)::tid AND ctid < format('(%s,0)', $2::bigint)::tid
               AND invalidated_at IS NULL AND expires_at > $3
             GROUP BY tenant_id, configuration_id""";

    private final DatabaseClient database;
    private final TransactionalOperator transactions;
    /** The changes made here and not yet added to the counts. */
    private final ConcurrentMap<Configuration, Long> changes = new ConcurrentHashMap<>();

    ActiveRegistrations(DatabaseClient database, ReactiveTransactionManager transactions) {
        this.database = database;
        this.transactions = TransactionalOperator.create(transactions);
    }

    /** A change of the configuration's count made here (a registration written, deleted, invalidated). */
    void changed(UUID tenantId, UUID configurationId, long by) {
        if (by != 0) {
            changes.merge(new Configuration(tenantId, configurationId), by, Long::sum);
        }
    }

    /**
     * Adds the changes made here since the last flush to the counts, in one statement; changes that could
     * not be added are kept for the next flush.
     */
    public Mono<Void> flush() {
        return Mono.defer(() -> {
            List<ActiveCount> taken = new ArrayList<>();
            for (Configuration configuration : changes.keySet()) {
                Long change = changes.remove(configuration);
                if (change != null && change != 0) {
                    taken.add(new ActiveCount(configuration.tenantId(), configuration.configurationId(), change));
                }
            }
            if (taken.isEmpty()) {
                return Mono.empty();
            }
            return add(taken).onErrorResume(error -> {
                taken.forEach(change -> changed(change.tenantId(), change.configurationId(), change.active()));
                return Mono.error(error);
            });
        });
    }

    private Mono<Void> add(List<ActiveCount> changes) {
        return CHANGES.bind(database.sql(ADD), changes).then();
    }

    /**
     * Subtracts the registrations that expired since this last ran; how many. In statements that each
     * read at most {@link #EXPIRY_BATCH} expiries, one after the other until the expiries are subtracted
     * up to now (one statement but after a long stop of every instance).
     */
    public Mono<Long> expire() {
        return expire(EXPIRY_BATCH).map(Expired::registrations);
    }

    /** What {@link #expire(int)} did: registrations subtracted, in how many statements. */
    record Expired(long registrations, int statements) {}

    private record Pass(long expired, boolean caughtUp) {}

    /** {@link #expire()} with statements of at most {@code atMost} expiries. */
    Mono<Expired> expire(int atMost) {
        return expirePass(atMost)
                .expand(pass -> pass.caughtUp() ? Mono.empty() : expirePass(atMost))
                .reduce(
                        new Expired(0, 0),
                        (sum, pass) -> new Expired(sum.registrations() + pass.expired(), sum.statements() + 1));
    }

    /**
     * One statement of the expiry pass, in its own transaction and without PostgreSQL's JIT: the planner
     * cannot see the span's bounds (they come from the mark it moves), guesses a ninth of the table, and on
     * ten million registrations that guess was over the JIT's threshold — 250–600 ms of a core compiling,
     * each minute, for a statement that then read a few index entries in under a millisecond
     * (docs/PERFORMANCE.md, "The dashboard's counts kept as registrations change").
     */
    private Mono<Pass> expirePass(int atMost) {
        return transactions
                .execute(transaction -> database.sql("SET LOCAL jit = off")
                        .then()
                        .then(database.sql(EXPIRE)
                                .bind(0, atMost)
                                .map((row, metadata) ->
                                        new Pass(row.get("expired", Long.class), row.get("caught_up", Boolean.class)))
                                .one()))
                .single();
    }

    /** Every configuration's count above 0. */
    public Flux<ActiveCount> counts() {
        return database.sql("""
                        SELECT tenant_id, configuration_id, active FROM delivery.registration_count
                         WHERE active > 0""")
                .map((row, metadata) -> new ActiveCount(
                        row.get("tenant_id", UUID.class),
                        row.get("configuration_id", UUID.class),
                        row.get("active", Long.class)))
                .all();
    }

    /** Whether the table was last counted again {@code every} ago or longer. */
    public Mono<Boolean> recountDue(Duration every) {
        return database.sql("""
                        SELECT at <= now() - $1 * interval '1 millisecond' AS due
                          FROM delivery.registration_count_state WHERE name = 'recounted_at'""")
                .bind(0, every.toMillis())
                .map((row, metadata) -> row.get("due", Boolean.class))
                .one()
                .defaultIfEmpty(true);
    }

    /** The counts and the time up to which expiries were subtracted from them, at one moment (one statement). */
    public Mono<Snapshot> snapshot() {
        return database.sql("""
                        SELECT s.at AS expired_through, c.tenant_id, c.configuration_id, c.active
                          FROM delivery.registration_count_state s
                          LEFT JOIN delivery.registration_count c ON true
                         WHERE s.name = 'expired_through'""")
                .map((row, metadata) -> new Object[] {
                    row.get("expired_through", OffsetDateTime.class),
                    row.get("tenant_id", UUID.class),
                    row.get("configuration_id", UUID.class),
                    row.get("active", Long.class)
                })
                .all()
                .collectList()
                .map(rows -> {
                    Map<Configuration, Long> counts = new HashMap<>();
                    for (Object[] row : rows) {
                        if (row[1] != null) {
                            counts.put(new Configuration((UUID) row[1], (UUID) row[2]), (Long) row[3]);
                        }
                    }
                    return new Snapshot(((OffsetDateTime) rows.get(0)[0]).toInstant(), counts);
                });
    }

    /**
     * The registrations of each configuration counted as of {@code expiredThrough} (not invalidated,
     * expiring after it) among the rows stored in blocks {@code fromBlock} (inclusive) to {@code toBlock}
     * (exclusive) of the table: one slice of a recount over the whole table ({@link #blocks()}), read by a
     * TID range scan, so that a slice reads its blocks and no others however big the table
     * (configurations without any in the slice are not answered). It runs on one core, never as a
     * parallel plan: on ten million registrations PostgreSQL's parallel count of the whole table took
     * three backends for 3–4 s, every core of a two-core machine, and the callbacks of those seconds
     * waited (docs/PERFORMANCE.md).
     */
    public Flux<ActiveCount> activeCounts(long fromBlock, long toBlock, Instant expiredThrough) {
        return transactions.execute(transaction -> database.sql("SET LOCAL max_parallel_workers_per_gather = 0")
                .then()
                .thenMany(database.sql(COUNTED_IN_BLOCKS)
                        .bind(0, fromBlock)
                        .bind(1, toBlock)
                        .bind(2, expiredThrough.atOffset(ZoneOffset.UTC))
                        .map((row, metadata) -> new ActiveCount(
                                row.get("tenant_id", UUID.class),
                                row.get("configuration_id", UUID.class),
                                row.get("active", Long.class)))
                        .all()));
    }

    /** How many blocks the registration table has now (where a recount over all of it ends). */
    public Mono<Long> blocks() {
        return database.sql("""
                        SELECT pg_relation_size('delivery.registration') / current_setting('block_size')::bigint
                               AS blocks""")
                .map((row, metadata) -> row.get("blocks", Long.class))
                .one();
    }

    /**
     * Corrects each count by what the recount from {@code before} found it off — {@code counted} less the
     * count in the snapshot: changes added since the snapshot stay added — and notes the recount's time;
     * how many counts were off.
     */
    public Mono<Integer> correct(Snapshot before, Map<Configuration, Long> counted) {
        Map<Configuration, Long> off = new HashMap<>();
        counted.forEach((configuration, active) -> off.merge(configuration, active, Long::sum));
        before.counts().forEach((configuration, active) -> off.merge(configuration, -active, Long::sum));
        List<ActiveCount> corrections = off.entrySet().stream()
                .filter(entry -> entry.getValue() != 0)
                .map(entry -> new ActiveCount(
                        entry.getKey().tenantId(), entry.getKey().configurationId(), entry.getValue()))
                .toList();
        Mono<Void> corrected = corrections.isEmpty() ? Mono.empty() : add(corrections);
        return corrected
                .then(database.sql(
                                "UPDATE delivery.registration_count_state SET at = now() WHERE name = 'recounted_at'")
                        .then())
                .thenReturn(corrections.size());
    }
}
