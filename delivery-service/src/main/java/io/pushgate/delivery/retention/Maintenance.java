package io.pushgate.delivery.retention;

import io.pushgate.database.AdvisoryLock;
import io.pushgate.database.ServerConnections;
import io.pushgate.delivery.batching.Unnest;
import io.pushgate.delivery.configuration.Plans;
import io.pushgate.delivery.notification.HotPartitions;
import io.pushgate.delivery.notification.NotificationStatus;
import io.pushgate.delivery.registration.Registrations;
import io.pushgate.delivery.stats.Rollups;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The notification store's maintenance pass, every {@code pushgate.retention.interval} and once at
 * start-up. Each step is idempotent, and exactly one instance runs a pass at a time: a pass holds a
 * session-level advisory lock on a connection of its own to the server ({@link ServerConnections}),
 * and an instance that does not get it leaves the pass to the one that has it.
 *
 * <p>In order: creates the partitions of today and the next {@code partitions-ahead} days (UTC);
 * expires the notifications below the hot partitions ({@link HotPartitions}) that an outage left
 * unfinished and that no instance holds a lease on; drops each day whose end is older than {@code
 * pushgate.retention.notifications}, unless a notification in it is still unfinished (a held lease
 * keeps it: the next pass looks again); deletes, in the partitions still kept, the finished
 * notifications (with their attempts and re-send records) of each tenant whose plan keeps them fewer
 * days than the platform, a batch at a time; forgets dedup keys older than {@code dedup-window}, a
 * batch at a time; deletes the registrations expired or invalidated longer than {@code
 * pushgate.registration.retention} ago and the re-send records older than the retention; deletes the
 * dashboard's rollup minutes older than {@code stats}. A partition is removed with {@code DETACH PARTITION … CONCURRENTLY} and then dropped, so
 * the inserts and claims on the other partitions never wait for it.
 *
 * <p>One statement at a time: the pass runs on one connection, where a statement waits until the one
 * before it has been read to its end — so a list of partitions is read in full before any statement
 * about one of them is sent. Read as a stream, a list longer than {@code concatMap}'s prefetch (32
 * rows: about a month of days) left the pass waiting for itself, forever, holding its lock.
 */
@Component
class Maintenance implements SmartLifecycle {

    /** The advisory lock of the pass, one key across the database: the text's hash. */
    static final String LOCK_NAME = "pushgate.delivery.retention";

    private static final Pattern PARTITION = Pattern.compile("(notification|attempt)_p(\\d{8})");
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    private static final int DEDUP_BATCH = 10_000;

    /** The name of a cold day's {@code (tenant_id, event_id)} index: its partition's name and this. */
    static final String EVENT_INDEX_SUFFIX = "_tenant_event_idx";

    /**
     * The most notifications one statement of a plan's retention deletes: each batch is a transaction
     * of its own, short, so that it holds back neither vacuum nor the writers of the same rows.
     */
    static final int RETENTION_BATCH = 5_000;

    /**
     * How long after its receipt a notification's attempts are looked for when it is deleted: its
     * delivery window (at most {@link HotPartitions#WINDOW}) and a day's margin, the span the read API
     * reads them in, so that the delete touches three or four attempt partitions, not every later one.
     */
    private static final Duration ATTEMPT_SPAN = HotPartitions.WINDOW.plus(Duration.ofDays(1));

    /** A tenant whose plan shortens the retention, and the time its notifications older than go. */
    private record TenantCutoff(UUID tenantId, OffsetDateTime cutoff) {}

    private static final Unnest<TenantCutoff> CUTOFFS = Unnest.<TenantCutoff>columns()
            .uuid("tenant_id", TenantCutoff::tenantId)
            .timestamptz("cutoff", TenantCutoff::cutoff);

    private static final Logger log = LoggerFactory.getLogger(Maintenance.class);

    private final ConnectionFactory connections;
    private final AdvisoryLock lock;
    private final RetentionSettings settings;
    private final Plans plans;
    private final Registrations registrations;
    private final Rollups rollups;
    private final Clock clock;
    private volatile Disposable schedule;

    Maintenance(
            ConnectionFactory connections,
            ServerConnections server,
            RetentionSettings settings,
            Plans plans,
            Registrations registrations,
            Rollups rollups) {
        this.connections = connections;
        this.lock = server.lock(LOCK_NAME);
        this.settings = settings;
        this.plans = plans;
        this.registrations = registrations;
        this.rollups = rollups;
        this.clock = Clock.systemUTC();
    }

    /**
     * Started before the web server (whose phase is {@code DEFAULT_PHASE - 1024}), so that today's
     * partitions exist before the first callback can arrive, and long before readiness.
     */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 2048;
    }

    @Override
    public void start() {
        makePartitionsAhead(clock.instant());
        if (!settings.enabled()) {
            return;
        }
        schedule = Flux.interval(Duration.ZERO, settings.interval())
                .onBackpressureDrop()
                .concatMap(tick -> runOnce(clock.instant()).onErrorResume(error -> {
                    log.warn(
                            "Maintenance of the notification store failed ({}); again in {}",
                            error,
                            settings.interval());
                    return Mono.empty();
                }))
                .subscribe();
    }

    /**
     * Today's partitions and the next {@code partitions-ahead} days', on every instance at start-up
     * (whether or not it runs the pass), without the lock: the creation is idempotent, and one that
     * loses a race with another instance's is tried again. A failure is logged, not fatal: the inbox
     * makes a missing day's partitions itself before it would refuse a callback.
     */
    private void makePartitionsAhead(Instant now) {
        DatabaseClient database = DatabaseClient.create(connections);
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        try {
            Flux.range(0, settings.partitionsAhead() + 1)
                    .map(today::plusDays)
                    .concatMap(day -> database.sql("SELECT delivery.create_day_partitions($1)")
                            .bind(0, day)
                            .then()
                            .retry(2))
                    .then()
                    .block(settings.lockTimeout().plusSeconds(30));
        } catch (RuntimeException failed) {
            log.warn(
                    "Could not make the partitions of today and the {} days ahead at start-up: {}",
                    settings.partitionsAhead(),
                    failed.toString());
        }
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

    /**
     * One pass as if the time were {@code now} (the schedule passes the clock's; a test its own): what
     * it did, or {@link MaintenancePass#skipped()} when another instance's pass holds the lock.
     */
    Mono<MaintenancePass> runOnce(Instant now) {
        return lock.whileHeld(
                session -> session.sql("SELECT set_config('lock_timeout', $1, false)")
                        .bind(0, settings.lockTimeout().toMillis() + "ms")
                        .then()
                        .then(pass(session, now)),
                Mono.just(MaintenancePass.skipped()));
    }

    private Mono<MaintenancePass> pass(DatabaseClient session, Instant now) {
        List<String> created = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<String> indexed = new ArrayList<>();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return Flux.range(0, settings.partitionsAhead() + 1)
                .map(today::plusDays)
                .concatMap(day -> session.sql("SELECT delivery.create_day_partitions($1) AS created")
                        .bind(0, day)
                        .map((row, metadata) -> row.get("created", Boolean.class))
                        .one()
                        .doOnNext(made -> {
                            if (made) {
                                created.add("notification_p" + DAY.format(day));
                                created.add("attempt_p" + DAY.format(day));
                            }
                        }))
                .then(expireStale(session, now))
                .flatMap(expired -> dropExpiredDays(session, now, dropped, kept)
                        .then(indexColdDays(session, now, indexed))
                        .then(applyPlanRetention(session, now))
                        .flatMap(shortened -> pruneDedup(session, now)
                                .flatMap(pruned -> registrations
                                        .deleteStale(now)
                                        .flatMap(registrationsPruned -> pruneResends(session, now)
                                                .zipWith(pruneStats(session, now))
                                                .map(resendsAndStats -> new MaintenancePass(
                                                        true,
                                                        List.copyOf(created),
                                                        List.copyOf(dropped),
                                                        List.copyOf(kept),
                                                        List.copyOf(indexed),
                                                        expired,
                                                        shortened,
                                                        pruned,
                                                        registrationsPruned,
                                                        resendsAndStats.getT1(),
                                                        resendsAndStats.getT2()))))))
                .doOnNext(done -> {
                    if (!dropped.isEmpty() || !created.isEmpty() || !kept.isEmpty() || !indexed.isEmpty()) {
                        log.info(
                                "Notification store maintenance: created {}, dropped {}, kept past retention {},"
                                        + " event ids indexed {}",
                                created,
                                dropped,
                                kept,
                                indexed);
                    }
                });
    }

    /** Unfinished notifications below the hot partitions and not leased: their window closed long ago. */
    private Mono<Long> expireStale(DatabaseClient session, Instant now) {
        return session.sql("""
                        UPDATE delivery.notification
                           SET status = $1, completed_at = now(), lease_owner = NULL,
                               error_code = coalesce(error_code, 'delivery_window_closed'),
                               error_detail = 'not finished within its delivery window; expired by maintenance'
                         WHERE completed_at IS NULL AND received_at <= $2 AND lease_until <= $3
                        RETURNING tenant_id, configuration_id""")
                .bind(0, NotificationStatus.EXPIRED.text())
                .bind(1, utc(now.minus(HotPartitions.WINDOW)))
                .bind(2, utc(now))
                .map((row, metadata) -> {
                    // each one ended here: the dashboard counts it (no provider answered it last)
                    rollups.notificationFinished(
                            row.get("tenant_id", UUID.class),
                            row.get("configuration_id", UUID.class),
                            NotificationStatus.EXPIRED,
                            null);
                    return 1L;
                })
                .all()
                .count();
    }

    /** The dashboard's rollup minutes older than its retention, a batch at a time. */
    private Mono<Long> pruneStats(DatabaseClient session, Instant now) {
        OffsetDateTime cutoff = utc(now.minus(settings.stats()));
        Mono<Long> batch =
                session.sql("""
                        DELETE FROM delivery.stats_minute
                         WHERE ctid = ANY (ARRAY(SELECT ctid FROM delivery.stats_minute
                                                  WHERE minute < $1 LIMIT $2))""").bind(0, cutoff).bind(1, DEDUP_BATCH).fetch().rowsUpdated();
        return batch.expand(deleted -> deleted < DEDUP_BATCH ? Mono.empty() : batch)
                .reduce(0L, Long::sum);
    }

    /** Each day whose end is older than the retention: its partitions go, unless one of its notifications is unfinished. */
    private Mono<Void> dropExpiredDays(DatabaseClient session, Instant now, List<String> dropped, List<String> kept) {
        LocalDate lastExpired = LocalDate.ofInstant(now.minus(settings.notifications()), ZoneOffset.UTC)
                .minusDays(1);
        return session.sql("""
                        SELECT c.relname, i.inhdetachpending AS pending, i.inhrelid IS NOT NULL AS attached
                          FROM pg_class c
                          JOIN pg_namespace s ON s.oid = c.relnamespace AND s.nspname = 'delivery'
                          LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
                         WHERE c.relkind = 'r' AND c.relname ~ '^(notification|attempt)_p[0-9]{8}$'
                         ORDER BY c.relname DESC""")
                .map((row, metadata) -> new Partition(
                        row.get("relname", String.class),
                        Boolean.TRUE.equals(row.get("pending", Boolean.class)),
                        Boolean.TRUE.equals(row.get("attached", Boolean.class))))
                .all()
                .collectList()
                .flatMapMany(Flux::fromIterable) // the whole list first: see "One statement at a time" above the class
                .filter(partition -> !partition.day().isAfter(lastExpired))
                // newest first, every notification_… before any attempt_…: a kept day keeps its attempts
                .concatMap(partition -> {
                    if (partition.parent().equals("attempt")
                            && kept.contains("notification_p" + DAY.format(partition.day()))) {
                        return Mono.empty(); // its day is kept: so are its attempts
                    }
                    Mono<Boolean> deliverable = partition.parent().equals("notification")
                            ? unfinishedIn(session, partition.name())
                            : Mono.just(false);
                    return deliverable.flatMap(unfinished -> {
                        if (unfinished) {
                            kept.add(partition.name());
                            log.warn(
                                    "Partition {} is past retention but holds a notification that can still be delivered; kept",
                                    partition.name());
                            return Mono.empty();
                        }
                        return drop(session, partition).doOnSuccess(done -> dropped.add(partition.name()));
                    });
                })
                .then();
    }

    /**
     * Each notification partition whose day has been cold for {@link HotPartitions#WINDOW} (no insert
     * since its day ended, no delivery since the window after it) gets an index on {@code (tenant_id,
     * event_id)}: the read API's {@code eventId} filter finds an event older than the dedup window
     * through it (a younger one through the dedup table), while the hot partitions' inserts carry no
     * such index. Built {@code CONCURRENTLY} (the day's reads and late updates go on); one that a failed
     * build left invalid is dropped and built again by the next pass.
     */
    private Mono<Void> indexColdDays(DatabaseClient session, Instant now, List<String> indexed) {
        LocalDate lastCold = LocalDate.ofInstant(now.minus(HotPartitions.WINDOW), ZoneOffset.UTC)
                .minusDays(1);
        return session.sql("""
                        SELECT c.relname, x.indisvalid AS valid
                          FROM pg_inherits i
                          JOIN pg_class c ON c.oid = i.inhrelid
                          JOIN pg_class p ON p.oid = i.inhparent AND p.relname = 'notification'
                          JOIN pg_namespace s ON s.oid = p.relnamespace AND s.nspname = 'delivery'
                          LEFT JOIN pg_class ix ON ix.relnamespace = s.oid AND ix.relname = c.relname || $1
                          LEFT JOIN pg_index x ON x.indexrelid = ix.oid
                         WHERE NOT i.inhdetachpending AND x.indisvalid IS NOT TRUE
                         ORDER BY c.relname DESC""")
                .bind(0, EVENT_INDEX_SUFFIX)
                .map((row, metadata) ->
                        new Unindexed(row.get("relname", String.class), row.get("valid", Boolean.class) != null))
                .all()
                .collectList()
                .flatMapMany(Flux::fromIterable) // the whole list first: see "One statement at a time" above the class
                .filter(day ->
                        !new Partition(day.partition(), false, true).day().isAfter(lastCold))
                .concatMap(day -> {
                    String index = day.partition() + EVENT_INDEX_SUFFIX;
                    Mono<Void> dropInvalid = day.invalidIndex()
                            ? session.sql("DROP INDEX CONCURRENTLY IF EXISTS delivery." + index)
                                    .then()
                            : Mono.empty();
                    return dropInvalid
                            .then(session.sql("CREATE INDEX CONCURRENTLY IF NOT EXISTS " + index + " ON delivery."
                                            + day.partition() + " (tenant_id, event_id)")
                                    .then())
                            .doOnSuccess(done -> indexed.add(day.partition()))
                            // a build that waited past the lock time-out leaves an invalid index: the next pass
                            .onErrorResume(error -> {
                                log.warn("Could not index the event ids of {}: {}", day.partition(), error.toString());
                                return Mono.empty();
                            });
                })
                .then();
    }

    /** A notification partition without a valid event index; {@code invalidIndex}: a failed build left one. */
    private record Unindexed(String partition, boolean invalidIndex) {}

    private static Mono<Boolean> unfinishedIn(DatabaseClient session, String partition) {
        return session.sql("SELECT EXISTS (SELECT 1 FROM delivery." + partition
                        + " WHERE completed_at IS NULL) AS unfinished")
                .map((row, metadata) -> row.get("unfinished", Boolean.class))
                .one();
    }

    /** Detaches without blocking the parent's writers (finishing a detach an earlier pass left pending), then drops. */
    private static Mono<Void> drop(DatabaseClient session, Partition partition) {
        String table = "delivery." + partition.name();
        String parent = "delivery." + partition.parent();
        Mono<Void> detach;
        if (!partition.attached()) {
            detach = Mono.empty();
        } else if (partition.pending()) {
            detach = session.sql("ALTER TABLE " + parent + " DETACH PARTITION " + table + " FINALIZE")
                    .then();
        } else {
            detach = session.sql("ALTER TABLE " + parent + " DETACH PARTITION " + table + " CONCURRENTLY")
                    .then();
        }
        return detach.then(session.sql("DROP TABLE " + table).then());
    }

    /**
     * The plans that keep a tenant's notifications fewer days than the platform: in each partition
     * still attached that holds a day older than some such tenant's cutoff, deletes that tenant's
     * finished notifications received before it (by the partition's {@code (tenant_id, received_at)}
     * index, in its order, so that a batch stops at its limit), their attempts (by {@code
     * notification_id}, in the partitions of {@link #ATTEMPT_SPAN} after the day) and their re-send
     * records, {@value #RETENTION_BATCH} notifications a statement. An unfinished
     * notification stays until it ends (expired by this pass when its window is long past).
     */
    private Mono<Long> applyPlanRetention(DatabaseClient session, Instant now) {
        int platformDays =
                (int) Math.min(Integer.MAX_VALUE, settings.notifications().toDays());
        return plans.shorterRetentions(platformDays).flatMap(shorter -> {
            if (shorter.isEmpty()) {
                return Mono.just(0L);
            }
            List<TenantCutoff> cutoffs = new ArrayList<>();
            for (Map.Entry<UUID, Integer> plan : shorter.entrySet()) {
                cutoffs.add(new TenantCutoff(plan.getKey(), utc(now.minus(Duration.ofDays(plan.getValue())))));
            }
            return session.sql("""
                            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                             WHERE i.inhparent = 'delivery.notification'::regclass AND NOT i.inhdetachpending
                               AND c.relname ~ '^notification_p[0-9]{8}$'
                             ORDER BY c.relname""")
                    .map((row, metadata) -> new Partition(row.get("relname", String.class), false, true))
                    .all()
                    .collectList()
                    .flatMapMany(
                            Flux::fromIterable) // the whole list first: see "One statement at a time" above the class
                    .concatMap(partition -> {
                        OffsetDateTime start = partition.day().atStartOfDay().atOffset(ZoneOffset.UTC);
                        List<TenantCutoff> due = cutoffs.stream()
                                .filter(cutoff -> cutoff.cutoff().isAfter(start))
                                .toList();
                        return due.isEmpty() ? Mono.just(0L) : deleteOlder(session, partition, start, due);
                    })
                    .reduce(0L, Long::sum)
                    .doOnNext(deleted -> {
                        if (deleted > 0) {
                            log.info(
                                    "Deleted {} notifications past their tenant's plan's retention ({} tenants)",
                                    deleted,
                                    cutoffs.size());
                        }
                    });
        });
    }

    /** One partition's notifications of {@code due}'s tenants older than their cutoffs, batch by batch. */
    private static Mono<Long> deleteOlder(
            DatabaseClient session, Partition partition, OffsetDateTime start, List<TenantCutoff> due) {
        String table = "delivery." + partition.name();
        String sql = """
                WITH doomed AS (
                    SELECT n.ctid FROM %1$s
                      CROSS JOIN LATERAL (SELECT ctid FROM %2$s n
                                           WHERE n.tenant_id = r.tenant_id AND n.received_at < r.cutoff
                                             AND n.completed_at IS NOT NULL
                                           ORDER BY n.tenant_id, n.received_at LIMIT :batch) n
                     LIMIT :batch),
                gone AS (
                    DELETE FROM %2$s WHERE ctid = ANY (ARRAY(SELECT ctid FROM doomed)) AND completed_at IS NOT NULL
                    RETURNING id),
                attempts AS (
                    DELETE FROM delivery.attempt
                     WHERE at >= :dayStart AND at < :attemptsEnd
                       AND notification_id = ANY (ARRAY(SELECT id FROM gone))),
                resends AS (
                    DELETE FROM delivery.resend WHERE notification_id = ANY (ARRAY(SELECT id FROM gone)))
                SELECT count(*) AS deleted FROM gone""".formatted(CUTOFFS.as("r"), table);
        Mono<Long> batch = Mono.defer(() -> CUTOFFS.bind(session.sql(sql), due)
                .bind("batch", RETENTION_BATCH)
                .bind("dayStart", start)
                .bind("attemptsEnd", start.plusDays(1).plus(ATTEMPT_SPAN))
                .map((row, metadata) -> row.get("deleted", Long.class))
                .one());
        return batch.expand(deleted -> deleted < RETENTION_BATCH ? Mono.empty() : batch)
                .reduce(0L, Long::sum);
    }

    private Mono<Long> pruneDedup(DatabaseClient session, Instant now) {
        OffsetDateTime cutoff = utc(now.minus(settings.dedupWindow()));
        Mono<Long> batch =
                session.sql("""
                        DELETE FROM delivery.notification_dedup
                         WHERE ctid = ANY (ARRAY(SELECT ctid FROM delivery.notification_dedup
                                                  WHERE received_at < $1 LIMIT $2))""").bind(0, cutoff).bind(1, DEDUP_BATCH).fetch().rowsUpdated();
        return batch.expand(deleted -> deleted < DEDUP_BATCH ? Mono.empty() : batch)
                .reduce(0L, Long::sum);
    }

    /**
     * The re-send records ({@code delivery.resend}) asked for more than the retention and a day ago:
     * their notification's day has been dropped by then (a notification is never older than its
     * re-send), {@value #DEDUP_BATCH} a statement.
     */
    private Mono<Long> pruneResends(DatabaseClient session, Instant now) {
        OffsetDateTime cutoff = utc(now.minus(settings.notifications()).minus(Duration.ofDays(1)));
        Mono<Long> batch =
                session.sql("""
                        DELETE FROM delivery.resend
                         WHERE id = ANY (ARRAY(SELECT id FROM delivery.resend WHERE requested_at < $1 LIMIT $2))""").bind(0, cutoff).bind(1, DEDUP_BATCH).fetch().rowsUpdated();
        return batch.expand(deleted -> deleted < DEDUP_BATCH ? Mono.empty() : batch)
                .reduce(0L, Long::sum);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** A day's partition of {@code notification} or {@code attempt}, as the catalog has it. */
    private record Partition(String name, boolean pending, boolean attached) {

        private Matcher matcher() {
            Matcher matcher = PARTITION.matcher(name);
            if (!matcher.matches()) {
                throw new IllegalStateException("not a day's partition: " + name);
            }
            return matcher;
        }

        String parent() {
            return matcher().group(1);
        }

        LocalDate day() {
            return LocalDate.parse(matcher().group(2), DAY);
        }
    }
}
