package io.pushgate.delivery.notification;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
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
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Stores each AXP event once in {@code delivery.notification}, with group commit: events that
 * arrive while transactions are in flight wait in a queue and go into the next transaction together
 * (one multi-row {@code INSERT … ON CONFLICT (tenant_id, event_id) DO NOTHING RETURNING}). An idle
 * inbox writes a lone event at once, without waiting for company.
 *
 * <p>A caller learns its event's fate only after the transaction holding it has committed: {@link
 * Stored} for a new or a duplicate event, {@link InboxUnavailableException} when the database
 * failed, did not commit within {@code pushgate.inbox.timeout}, or the queue is full. A failed
 * transaction rolls back as a whole; its callers are all told, none is acknowledged.
 */
@Service
public class Inbox {

    private static final Comparator<Key> KEY_ORDER =
            Comparator.comparing(Key::tenantId).thenComparing(Key::eventId);

    private static final String INSERT = """
            INSERT INTO delivery.notification (id, tenant_id, configuration_id, event_id, session_id, payload, lease_until)
            SELECT n.id, n.tenant_id, n.configuration_id, n.event_id, n.session_id, n.payload::jsonb,
                   now() + $7::bigint * interval '1 millisecond'
            FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[])
                 AS n(id, tenant_id, configuration_id, event_id, session_id, payload)
            ON CONFLICT (tenant_id, event_id) DO NOTHING
            RETURNING id""";

    private static final String EXISTING = """
            SELECT n.id, n.tenant_id, n.event_id
            FROM delivery.notification n
            JOIN unnest($1::uuid[], $2::text[]) AS k(tenant_id, event_id)
              ON n.tenant_id = k.tenant_id AND n.event_id = k.event_id""";

    private final DatabaseClient database;
    private final TransactionalOperator transactions;
    private final ApplicationEventPublisher events;
    private final InboxSettings settings;
    private final DistributionSummary batchSizes;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int transactionsInFlight; // guarded by queue

    Inbox(
            DatabaseClient database,
            TransactionalOperator transactions,
            ApplicationEventPublisher events,
            InboxSettings settings,
            MeterRegistry meters) {
        this.batchSizes = DistributionSummary.builder("pushgate.inbox.batch.size")
                .description("Events per inbox transaction (group commit)")
                .baseUnit("events")
                .register(meters);
        this.database = database;
        this.transactions = transactions;
        this.events = events;
        this.settings = settings;
    }

    /** Stores {@code notification} unless its event is stored already; emits after the commit. */
    public Mono<Stored> store(NewNotification notification) {
        return Mono.<Stored>create(sink -> {
                    Pending pending = new Pending(notification, UUID.randomUUID(), sink);
                    sink.onCancel(pending::cancel);
                    List<Pending> batch;
                    synchronized (queue) {
                        if (queue.size() >= settings.maxQueued()) {
                            sink.error(new InboxUnavailableException(
                                    "the inbox holds " + queue.size() + " events already", null));
                            return;
                        }
                        queue.add(pending);
                        batch = nextBatch();
                    }
                    if (batch != null) {
                        write(batch);
                    }
                })
                .timeout(
                        settings.timeout(),
                        Mono.error(() -> new InboxUnavailableException(
                                "not committed within " + settings.timeout(), new TimeoutException())));
    }

    /** The next transaction's events, or {@code null} when none is due; the caller holds the lock. */
    private List<Pending> nextBatch() {
        if (transactionsInFlight >= settings.maxConcurrentBatches()) {
            return null;
        }
        List<Pending> batch = new ArrayList<>(Math.min(queue.size(), settings.maxBatchSize()));
        while (batch.size() < settings.maxBatchSize() && !queue.isEmpty()) {
            Pending pending = queue.poll();
            if (!pending.isCancelled()) {
                batch.add(pending);
            }
        }
        if (batch.isEmpty()) {
            return null;
        }
        transactionsInFlight++;
        batchSizes.record(batch.size());
        return batch;
    }

    private void write(List<Pending> batch) {
        // The first of each (tenant, event) is written; the others of the batch are its duplicates.
        // Rows go in one order in every transaction, so concurrent transactions never deadlock.
        Map<Key, Pending> first = new TreeMap<>(KEY_ORDER);
        for (Pending pending : batch) {
            first.putIfAbsent(pending.key(), pending);
        }
        transactions
                .execute(status -> insert(first.values()).flatMap(inserted -> resolve(first, inserted)))
                .single()
                .timeout(settings.timeout())
                .subscribe(
                        results -> {
                            finished();
                            complete(batch, first, results);
                        },
                        error -> {
                            finished();
                            InboxUnavailableException unavailable =
                                    new InboxUnavailableException("the transaction failed: " + error, error);
                            batch.forEach(pending -> pending.sink().error(unavailable));
                        });
    }

    private Mono<Set<UUID>> insert(Iterable<Pending> rows) {
        List<Pending> list = new ArrayList<>();
        rows.forEach(list::add);
        int size = list.size();
        UUID[] ids = new UUID[size];
        UUID[] tenants = new UUID[size];
        UUID[] configurations = new UUID[size];
        String[] eventIds = new String[size];
        String[] sessionIds = new String[size];
        String[] payloads = new String[size];
        for (int i = 0; i < size; i++) {
            Pending pending = list.get(i);
            NewNotification notification = pending.notification();
            ids[i] = pending.id();
            tenants[i] = notification.tenantId();
            configurations[i] = notification.configurationId();
            eventIds[i] = notification.event().eventId();
            sessionIds[i] = notification.event().sessionId();
            payloads[i] = notification.event().toJson();
        }
        return database.sql(INSERT)
                .bind(0, ids)
                .bind(1, tenants)
                .bind(2, configurations)
                .bind(3, eventIds)
                .bind(4, sessionIds)
                .bind(5, payloads)
                .bind(6, settings.lease().toMillis())
                .map((row, metadata) -> row.get("id", UUID.class))
                .all()
                .collect(HashSet::new, Set::add);
    }

    /** Every written key's outcome: new when its row came back from the insert, else the row found. */
    private Mono<Map<Key, Stored>> resolve(Map<Key, Pending> first, Set<UUID> inserted) {
        Map<Key, Stored> results = new HashMap<>();
        List<Key> duplicates = new ArrayList<>();
        first.forEach((key, pending) -> {
            if (inserted.contains(pending.id())) {
                results.put(key, new Stored(pending.id(), false));
            } else {
                duplicates.add(key);
            }
        });
        if (duplicates.isEmpty()) {
            return Mono.just(results);
        }
        return database.sql(EXISTING)
                .bind(0, duplicates.stream().map(Key::tenantId).toArray(UUID[]::new))
                .bind(1, duplicates.stream().map(Key::eventId).toArray(String[]::new))
                .map((row, metadata) -> Map.entry(
                        new Key(row.get("tenant_id", UUID.class), row.get("event_id", String.class)),
                        row.get("id", UUID.class)))
                .all()
                .doOnNext(existing -> results.put(existing.getKey(), new Stored(existing.getValue(), true)))
                .then(Mono.fromSupplier(() -> results));
    }

    private void complete(List<Pending> batch, Map<Key, Pending> first, Map<Key, Stored> results) {
        for (Pending pending : batch) {
            Stored stored = results.get(pending.key());
            if (stored == null) {
                pending.sink()
                        .error(new InboxUnavailableException("the event's row was neither written nor found", null));
            } else if (first.get(pending.key()) == pending) {
                pending.sink().success(stored);
            } else {
                pending.sink().success(new Stored(stored.notificationId(), true));
            }
        }
        for (Pending pending : first.values()) {
            Stored stored = results.get(pending.key());
            if (stored != null && !stored.duplicate()) {
                NewNotification notification = pending.notification();
                events.publishEvent(new NotificationAccepted(
                        stored.notificationId(),
                        notification.tenantId(),
                        notification.configurationId(),
                        notification.event().eventId(),
                        notification.event().sessionId()));
            }
        }
    }

    private void finished() {
        List<Pending> next;
        synchronized (queue) {
            transactionsInFlight--;
            next = nextBatch();
        }
        if (next != null) {
            write(next);
        }
    }

    private record Key(UUID tenantId, String eventId) {}

    private static final class Pending {

        private final NewNotification notification;
        private final UUID id;
        private final MonoSink<Stored> sink;
        private volatile boolean cancelled;

        Pending(NewNotification notification, UUID id, MonoSink<Stored> sink) {
            this.notification = notification;
            this.id = id;
            this.sink = sink;
        }

        NewNotification notification() {
            return notification;
        }

        UUID id() {
            return id;
        }

        MonoSink<Stored> sink() {
            return sink;
        }

        Key key() {
            return new Key(notification.tenantId(), notification.event().eventId());
        }

        void cancel() {
            cancelled = true;
        }

        boolean isCancelled() {
            return cancelled;
        }
    }
}
