package io.pushgate.delivery.notification;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.delivery.batching.Coalescer;
import io.pushgate.delivery.batching.Unnest;
import io.r2dbc.spi.R2dbcException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Stores each AXP event once in {@code delivery.notification}, with group commit: events that
 * arrive while inserts are in flight wait in a queue and go into the next insert together (one
 * multi-row statement, its own transaction, through a {@link Coalescer}: {@code INSERT … ON CONFLICT
 * (tenant_id, event_id) DO NOTHING} into {@code delivery.notification_dedup}, and the notification
 * rows of the keys it took). A duplicate is recognised for as long as its key is kept there ({@code
 * pushgate.retention.dedup-window}), whichever day's partition holds its first row. An idle inbox writes a lone event at once, without
 * waiting for company.
 *
 * <p>A caller learns its event's fate only after the insert holding it has committed: {@link
 * Stored} for a new or a duplicate event, {@link InboxUnavailableException} when the database
 * failed, did not answer within {@code pushgate.inbox.timeout}, or the queue is full. A failed insert
 * writes nothing; its callers are all told, none is acknowledged. Once the insert has committed, a
 * failure to read a duplicate's first row fails only that duplicate's caller.
 *
 * <p>New rows are written already leased to this instance, each under a fencing token of its own,
 * and announced with {@link NotificationsAccepted} after the commit: this instance's dispatcher
 * delivers them without claiming them first, and no other instance touches them before the lease
 * runs out.
 *
 * <p>The warm-up's synthetic events are rehearsed instead ({@link #rehearse(NewNotification)}): the
 * same statements, grouped among themselves only, in transactions that are rolled back.
 */
@Service
public class Inbox {

    private static final Comparator<Key> KEY_ORDER =
            Comparator.comparing(Key::tenantId).thenComparing(Key::eventId);

    /** A new row per event, written already leased to this instance under the row's own fencing token. */
    private static final Unnest<Row> ROWS = Unnest.<Row>columns()
            .uuid("id", row -> row.id)
            .uuid("tenant_id", row -> row.notification.tenantId())
            .uuid("configuration_id", row -> row.notification.configurationId())
            .text("event_id", row -> row.notification.event().eventId())
            .text("session_id", row -> row.notification.event().sessionId())
            .text("payload", row -> row.payload)
            .uuid("lease_owner", row -> row.lease);

    /**
     * The batch's keys go into the dedup table first; only the keys it took get their notification
     * row (the partitioned table cannot hold a unique (tenant_id, event_id): its unique indexes must
     * include received_at). Still one statement, committed on its own.
     */
    private static final String INSERT = """
            WITH n AS (SELECT * FROM %s),
            fresh AS (
                INSERT INTO delivery.notification_dedup (tenant_id, event_id, notification_id)
                SELECT n.tenant_id, n.event_id, n.id FROM n
                ON CONFLICT (tenant_id, event_id) DO NOTHING
                RETURNING notification_id)
            INSERT INTO delivery.notification
                   (id, tenant_id, configuration_id, event_id, session_id, payload, status, lease_owner, lease_until)
            SELECT n.id, n.tenant_id, n.configuration_id, n.event_id, n.session_id, n.payload::jsonb, :status,
                   n.lease_owner, now() + :lease_millis::bigint * interval '1 millisecond'
            FROM n JOIN fresh ON fresh.notification_id = n.id
            RETURNING id, received_at""".formatted(ROWS.as("n"));

    private static final Unnest<Key> KEYS =
            Unnest.<Key>columns().uuid("tenant_id", Key::tenantId).text("event_id", Key::eventId);

    /** The first row of each duplicate key, as the dedup table knows it (in any partition). */
    private static final String EXISTING = """
            SELECT d.notification_id AS id, d.tenant_id, d.event_id
            FROM delivery.notification_dedup d
            JOIN %s
              ON d.tenant_id = k.tenant_id AND d.event_id = k.event_id""".formatted(KEYS.as("k"));

    private static final Logger log = LoggerFactory.getLogger(Inbox.class);

    private final DatabaseClient database;
    private final ApplicationEventPublisher events;
    private final InboxSettings settings;
    private final DistributionSummary batchSizes;
    private final Coalescer<NewNotification, Stored> writes;
    private final Coalescer<NewNotification, Stored> rehearsals;
    private final TransactionalOperator transactions;

    Inbox(
            DatabaseClient database,
            ApplicationEventPublisher events,
            InboxSettings settings,
            MeterRegistry meters,
            ReactiveTransactionManager transactions) {
        this.batchSizes = DistributionSummary.builder("pushgate.inbox.batch.size")
                .description("Events per inbox insert (group commit)")
                .baseUnit("events")
                .register(meters);
        this.database = database;
        this.events = events;
        this.settings = settings;
        this.transactions = TransactionalOperator.create(transactions);
        Coalescer.Limits limits = new Coalescer.Limits(
                settings.maxBatchSize(), settings.maxConcurrentBatches(), settings.maxQueued(), settings.timeout());
        this.writes = new Coalescer<>(limits, this::write);
        this.rehearsals = new Coalescer<>(limits, this::rehearseGroup);
    }

    /** Stores {@code notification} unless its event is stored already; emits after the commit. */
    public Mono<Stored> store(NewNotification notification) {
        return writes.submit(notification)
                .switchIfEmpty(Mono.error(() -> new InboxUnavailableException(
                        "the event is stored already, but its first row could not be read", null)))
                .timeout(
                        settings.timeout(),
                        Mono.error(() -> new TimeoutException("not committed within " + settings.timeout())))
                .onErrorMap(error -> !(error instanceof InboxUnavailableException), Inbox::unavailable);
    }

    private static InboxUnavailableException unavailable(Throwable error) {
        if (error instanceof Coalescer.QueueFullException full) {
            return new InboxUnavailableException("the inbox is full: " + full.getMessage(), full);
        }
        if (error instanceof TimeoutException) {
            return new InboxUnavailableException("not committed in time: " + error.getMessage(), error);
        }
        return new InboxUnavailableException("the insert failed: " + error, error);
    }

    /** One insert for {@code batch}; answers each event's fate in the batch's order (null: see resolve). */
    private Mono<List<Stored>> write(List<NewNotification> batch) {
        batchSizes.record(batch.size());
        // The first of each (tenant, event) is written; the others of the batch are its duplicates.
        // Rows go in one order in every insert, so concurrent inserts never deadlock.
        Map<Key, Row> first = firstOfEachKey(batch);
        // One statement, so no transaction around it: the insert commits on its own (one round trip,
        // not three). A duplicate's first row is committed by the time the insert returns — a
        // concurrent insert of the same key makes it wait for that one's commit — so the look-up
        // of duplicates, in a later statement, finds it.
        Instant leaseEnds = Instant.now().plus(settings.lease());
        return insert(List.copyOf(first.values()))
                .flatMap(inserted -> resolve(first, inserted))
                .map(results -> {
                    announce(accepted(first, results, leaseEnds));
                    return answers(batch, results);
                });
    }

    /**
     * Rehearses storing {@code notification}, an event of the warm-up's synthetic configuration: it
     * is grouped only with other rehearsals (never with a tenant's events), and its group takes the
     * inbox's insert in a transaction that is rolled back. Answers as {@link #store} would; nothing
     * remains and nothing is announced.
     */
    public Mono<Stored> rehearse(NewNotification notification) {
        return rehearsals
                .submit(notification)
                .switchIfEmpty(Mono.error(() -> new InboxUnavailableException(
                        "the event is rehearsed already, but its first row could not be read", null)))
                .timeout(
                        settings.timeout(),
                        Mono.error(() -> new TimeoutException("not rehearsed within " + settings.timeout())))
                .onErrorMap(error -> !(error instanceof InboxUnavailableException), Inbox::unavailable);
    }

    /**
     * Rehearses storing {@code batch} (synthetic events, see {@link #rehearse(NewNotification)}) in
     * one transaction that is rolled back whatever happens: the inbox's insert, then {@code after} on
     * the rows it wrote, in the same transaction (its statements see them; their changes go with
     * them). Emits what {@code after} emits.
     */
    public <T> Mono<T> rehearse(List<NewNotification> batch, Function<List<NotificationAccepted>, Mono<T>> after) {
        return rolledBack(Mono.defer(() -> {
            Map<Key, Row> first = firstOfEachKey(batch);
            Instant leaseEnds = Instant.now().plus(settings.lease());
            return insertOnce(List.copyOf(first.values()))
                    .flatMap(inserted -> resolve(first, inserted))
                    .flatMap(results -> after.apply(accepted(first, results, leaseEnds)));
        }));
    }

    /** A group of rehearsals: the same insert as {@link #write}, rolled back. */
    private Mono<List<Stored>> rehearseGroup(List<NewNotification> batch) {
        return rolledBack(Mono.defer(() -> {
            Map<Key, Row> first = firstOfEachKey(batch);
            return insertOnce(List.copyOf(first.values()))
                    .flatMap(inserted -> resolve(first, inserted))
                    .map(results -> answers(batch, results));
        }));
    }

    /** {@code work} in a transaction of its own that is rolled back when it ends, whatever it emitted. */
    private <T> Mono<T> rolledBack(Mono<T> work) {
        return transactions
                .execute(status -> {
                    status.setRollbackOnly();
                    return work;
                })
                .singleOrEmpty();
    }

    private static Map<Key, Row> firstOfEachKey(List<NewNotification> batch) {
        Map<Key, Row> first = new TreeMap<>(KEY_ORDER);
        for (NewNotification notification : batch) {
            first.computeIfAbsent(Key.of(notification), key -> new Row(notification));
        }
        return first;
    }

    /** Each event's answer, in the batch's order: a later event of a key is the first one's duplicate. */
    private static List<Stored> answers(List<NewNotification> batch, Map<Key, Stored> results) {
        List<Stored> answers = new ArrayList<>(batch.size());
        Set<Key> answered = new HashSet<>();
        for (NewNotification notification : batch) {
            Key key = Key.of(notification);
            Stored stored = results.get(key);
            if (stored == null) {
                answers.add(null); // a duplicate whose first row could not be read: see resolve
            } else {
                answers.add(answered.add(key) ? stored : new Stored(stored.notificationId(), true));
            }
        }
        return answers;
    }

    /**
     * The batch's insert. When today's partition is missing (maintenance has not run ahead: every
     * instance was down for longer than {@code pushgate.retention.partitions-ahead}, or it is disabled
     * everywhere), PostgreSQL refuses the row; the insert failed whole, so the inbox makes today's
     * partitions (by the database's clock, the one {@code received_at} is taken from) and inserts
     * once more, rather than lose a callback AXP will never send again.
     */
    private Mono<Map<UUID, OffsetDateTime>> insert(List<Row> rows) {
        return insertOnce(rows).onErrorResume(Inbox::noPartition, error -> {
            log.warn("No partition of delivery.notification for today; making it now ({})", error.getMessage());
            return database.sql("SELECT delivery.create_day_partitions((now() AT TIME ZONE 'UTC')::date)")
                    .then()
                    // another instance may be making it at the same time: then it is there now
                    .onErrorResume(raced -> Mono.empty())
                    .then(insertOnce(rows));
        });
    }

    /**
     * PostgreSQL's "no partition of relation … found for row" (a check violation, 23514), as the driver
     * raised it or inside Spring's translation of it.
     */
    static boolean noPartition(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof R2dbcException failed
                    && "23514".equals(failed.getSqlState())
                    && String.valueOf(failed.getMessage()).contains("no partition of relation")) {
                return true;
            }
        }
        return false;
    }

    private Mono<Map<UUID, OffsetDateTime>> insertOnce(List<Row> rows) {
        return ROWS.bind(database.sql(INSERT), rows)
                .bind("status", NotificationStatus.ACCEPTED.text())
                .bind("lease_millis", settings.lease().toMillis())
                .map((row, metadata) ->
                        Map.entry(row.get("id", UUID.class), row.get("received_at", OffsetDateTime.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /** Every written key's outcome: new when its row came back from the insert, else the row found. */
    private Mono<Map<Key, Stored>> resolve(Map<Key, Row> first, Map<UUID, OffsetDateTime> inserted) {
        Map<Key, Stored> results = new HashMap<>();
        List<Key> duplicates = new ArrayList<>();
        first.forEach((key, row) -> {
            OffsetDateTime receivedAt = inserted.get(row.id);
            if (receivedAt != null) {
                row.receivedAt = receivedAt.toInstant();
                results.put(key, new Stored(row.id, false));
            } else {
                duplicates.add(key);
            }
        });
        if (duplicates.isEmpty()) {
            return Mono.just(results);
        }
        return KEYS.bind(database.sql(EXISTING), duplicates)
                .map((row, metadata) -> Map.entry(
                        new Key(row.get("tenant_id", UUID.class), row.get("event_id", String.class)),
                        row.get("id", UUID.class)))
                .all()
                .doOnNext(existing -> results.put(existing.getKey(), new Stored(existing.getValue(), true)))
                .then(Mono.fromSupplier(() -> results))
                .onErrorResume(error -> {
                    // the new rows are committed: their callers get their answers; only the
                    // duplicates' callers, whose first rows could not be read, are told to retry
                    log.warn(
                            "The first rows of {} duplicate events could not be read: {}",
                            duplicates.size(),
                            error.toString());
                    return Mono.just(results);
                });
    }

    /** The batch's new rows, leased to this instance until {@code leaseEnds}. */
    private static List<NotificationAccepted> accepted(
            Map<Key, Row> first, Map<Key, Stored> results, Instant leaseEnds) {
        List<NotificationAccepted> accepted = new ArrayList<>(first.size());
        first.forEach((key, row) -> {
            Stored stored = results.get(key);
            if (stored != null && !stored.duplicate()) {
                NewNotification notification = row.notification;
                accepted.add(new NotificationAccepted(
                        row.id,
                        row.lease,
                        notification.tenantId(),
                        notification.configurationId(),
                        notification.event().eventId(),
                        notification.event().sessionId(),
                        notification.event().fields(),
                        row.receivedAt,
                        leaseEnds));
            }
        });
        return accepted;
    }

    /** Tells this instance's dispatcher about the batch's new rows, which it holds the leases of. */
    private void announce(List<NotificationAccepted> accepted) {
        if (accepted.isEmpty()) {
            return;
        }
        try {
            events.publishEvent(new NotificationsAccepted(accepted));
        } catch (RuntimeException e) {
            // the rows are committed: their callers get their 202 all the same, and the rows are
            // delivered by a sweep once their lease runs out
            log.warn(
                    "The dispatcher was not told of {} new notifications; they go out when their lease ends: {}",
                    accepted.size(),
                    e.toString());
        }
    }

    private record Key(UUID tenantId, String eventId) {

        static Key of(NewNotification notification) {
            return new Key(notification.tenantId(), notification.event().eventId());
        }
    }

    /** The row written for the first event of a key: its id and fencing token are chosen here. */
    private static final class Row {

        final NewNotification notification;
        final UUID id = UUID.randomUUID();
        final UUID lease = UUID.randomUUID();
        final String payload;
        Instant receivedAt;

        Row(NewNotification notification) {
            this.notification = notification;
            this.payload = notification.event().toJson();
        }
    }
}
