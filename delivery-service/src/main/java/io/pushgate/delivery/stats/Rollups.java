package io.pushgate.delivery.stats;

import io.pushgate.delivery.batching.Unnest;
import io.pushgate.delivery.callbacklog.RefusalReason;
import io.pushgate.delivery.notification.NotificationStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The per-minute rollup ({@code delivery.stats_minute}) as this instance gathers it. The callback path
 * and the dispatcher only add to counts in memory, per tenant, configuration and minute (one map
 * update, no I/O); {@link #flush} (every {@code pushgate.stats.flush-interval}, off those paths, and
 * once more at a graceful stop) adds them all to the table in one grouped upsert, and gives them back
 * to memory when that fails, so that no count is lost or counted twice while the process lives. A
 * process killed without a stop loses what it gathered since its last flush.
 */
@Service
public class Rollups {

    /**
     * The counters of a minute, in this order: accepted, duplicate, a refused one per {@link
     * RefusalReason}, a finished one per {@link NotificationStatus} ({@code null}, no column, for a
     * status that is not final), removed as dead; each named as its column.
     */
    static final List<String> COUNTERS;

    static final int ACCEPTED = 0;
    static final int DUPLICATE = 1;
    static final int REFUSED = 2;
    static final int FINISHED = REFUSED + RefusalReason.values().length;
    static final int REMOVED_DEAD = FINISHED + NotificationStatus.values().length;

    static {
        List<String> counters = new ArrayList<>();
        counters.add("callbacks_accepted");
        counters.add("callbacks_duplicate");
        for (RefusalReason reason : RefusalReason.values()) {
            counters.add(refusedColumn(reason));
        }
        for (NotificationStatus status : NotificationStatus.values()) {
            // a slot per status keeps the index arithmetic simple; only final ones have a column
            counters.add(status.isFinal() ? notificationsColumn(status) : null);
        }
        counters.add("registrations_removed_dead");
        COUNTERS = Collections.unmodifiableList(counters);
    }

    private static final Unnest<Row> ROWS = rows();

    private static final String UPSERT = upsert();

    private final DatabaseClient database;
    private final LongSupplier clock;
    private final ConcurrentHashMap<Key, Counts> pending = new ConcurrentHashMap<>();

    @Autowired
    Rollups(DatabaseClient database) {
        this(database, System::currentTimeMillis);
    }

    /** With its own clock ({@code clock}: milliseconds since the epoch), for a test of given minutes. */
    Rollups(DatabaseClient database, LongSupplier clock) {
        this.database = database;
        this.clock = clock;
    }

    /** The column of callbacks refused for {@code reason}, e.g. {@code refused_signature_mismatch}. */
    static String refusedColumn(RefusalReason reason) {
        return "refused_" + reason.text().replace('-', '_');
    }

    /** The column of notifications that ended {@code status}, e.g. {@code notifications_no_device}. */
    static String notificationsColumn(NotificationStatus status) {
        if (!status.isFinal()) {
            throw new IllegalArgumentException(status.text() + " is not a final status");
        }
        return "notifications_" + status.text();
    }

    /** A callback of the configuration was stored (202), or answered as a duplicate (200). */
    public void callbackStored(UUID tenantId, UUID configurationId, boolean duplicate) {
        add(tenantId, configurationId, duplicate ? DUPLICATE : ACCEPTED, -1);
    }

    /** A callback of the configuration was refused for {@code reason}. */
    public void callbackRefused(UUID tenantId, UUID configurationId, RefusalReason reason) {
        add(tenantId, configurationId, REFUSED + reason.ordinal(), -1);
    }

    /**
     * A notification of the configuration ended with {@code status}; {@code latency} is the time from
     * its acceptance (or last re-send) to the provider's answer, {@code null} when no provider answered.
     */
    public void notificationFinished(UUID tenantId, UUID configurationId, NotificationStatus status, Duration latency) {
        if (!status.isFinal()) {
            throw new IllegalArgumentException(status.text() + " is not a final status");
        }
        int bucket = latency == null ? -1 : LatencyHistogram.bucket(latency.toNanos() / 1_000_000.0);
        add(tenantId, configurationId, FINISHED + status.ordinal(), bucket);
    }

    /** A registration of the configuration was invalidated because the provider rejected its token. */
    public void registrationRemovedAsDead(UUID tenantId, UUID configurationId) {
        add(tenantId, configurationId, REMOVED_DEAD, -1);
    }

    /** A sample of the configuration's active registrations, for the current minute (the last one taken wins). */
    void registrationsActive(UUID tenantId, UUID configurationId, long active) {
        pending.compute(new Key(tenantId, configurationId, minute()), (key, counts) -> {
            Counts added = counts == null ? new Counts() : counts;
            added.active = active;
            return added;
        });
    }

    private void add(UUID tenantId, UUID configurationId, int counter, int latencyBucket) {
        pending.compute(new Key(tenantId, configurationId, minute()), (key, counts) -> {
            Counts added = counts == null ? new Counts() : counts;
            added.counters[counter]++;
            if (latencyBucket >= 0) {
                added.latency(latencyBucket);
            }
            return added;
        });
    }

    /** A configuration's count of active registrations as last written, and its minute. */
    record LastActive(UUID tenantId, UUID configurationId, long active, Instant minute) {}

    /**
     * Each configuration's count of active registrations as last written, where it is above 0 (one
     * index probe per configuration: its newest minute with a count). The series carries a count
     * forward until a newer one, so a process that starts counting learns from these which
     * configurations it must write a 0 for when none of their registrations is active any more.
     */
    Flux<LastActive> lastActiveAboveZero() {
        return database.sql("""
                        SELECT c.tenant_id, c.id AS configuration_id, s.registrations_active, s.minute
                          FROM tenancy.configuration c
                          CROSS JOIN LATERAL (SELECT registrations_active, minute FROM delivery.stats_minute
                                               WHERE tenant_id = c.tenant_id AND configuration_id = c.id
                                                 AND registrations_active IS NOT NULL
                                               ORDER BY minute DESC LIMIT 1) s
                         WHERE s.registrations_active > 0""")
                .map((row, metadata) -> new LastActive(
                        row.get("tenant_id", UUID.class),
                        row.get("configuration_id", UUID.class),
                        row.get("registrations_active", Long.class),
                        row.get("minute", OffsetDateTime.class).toInstant()))
                .all();
    }

    private long minute() {
        return Math.floorDiv(clock.getAsLong(), 60_000L);
    }

    /** Whether nothing waits to be written. */
    boolean isEmpty() {
        return pending.isEmpty();
    }

    /**
     * Adds what was gathered since the last flush to the table in one statement (rows in key order, so
     * that two instances' upserts take their row locks in the same order); on failure gives it back.
     */
    Mono<Void> flush() {
        List<Row> rows = new ArrayList<>();
        for (Key key : pending.keySet()) {
            Counts drained = pending.remove(key);
            if (drained != null) {
                rows.add(new Row(key, drained));
            }
        }
        if (rows.isEmpty()) {
            return Mono.empty();
        }
        rows.sort(Comparator.comparing((Row row) -> row.key().tenantId())
                .thenComparing(row -> row.key().configurationId())
                .thenComparingLong(row -> row.key().minute()));
        Mono<Long> upsert = ROWS.bind(database.sql(UPSERT), rows)
                .fetch()
                .rowsUpdated()
                .onErrorResume(error -> {
                    rows.forEach(this::giveBack);
                    return Mono.error(error);
                });
        // drained rows are written (or given back) even if the caller stops waiting: a cancelled
        // statement could neither tell whether it committed nor give its counts back
        return Mono.fromFuture(upsert.toFuture(), true).then();
    }

    private void giveBack(Row row) {
        pending.compute(row.key(), (key, counts) -> {
            Counts added = counts == null ? new Counts() : counts;
            added.merge(row.counts());
            return added;
        });
    }

    private static Unnest<Row> rows() {
        Unnest<Row> rows = Unnest.<Row>columns()
                .uuid("tenant_id", row -> row.key().tenantId())
                .uuid("configuration_id", row -> row.key().configurationId())
                .timestamptz(
                        "minute",
                        row -> Instant.ofEpochSecond(row.key().minute() * 60).atOffset(ZoneOffset.UTC));
        for (int i = 0; i < COUNTERS.size(); i++) {
            int counter = i;
            if (COUNTERS.get(i) != null) {
                rows = rows.int8(COUNTERS.get(i), row -> row.counts().counters[counter]);
            }
        }
        return rows.text("latency_buckets", row -> LatencyHistogram.literal(row.counts().latency))
                .int8("registrations_active", row -> row.counts().active);
    }

    private static String upsert() {
        List<String> counters =
                COUNTERS.stream().filter(column -> column != null).toList();
        return "INSERT INTO delivery.stats_minute AS s (tenant_id, configuration_id, minute, "
                + String.join(", ", counters) + ", latency_buckets, registrations_active)"
                + " SELECT tenant_id, configuration_id, minute, " + String.join(", ", counters)
                + ", latency_buckets::bigint[], registrations_active FROM " + ROWS.as("u")
                + " ON CONFLICT (tenant_id, configuration_id, minute) DO UPDATE SET "
                + counters.stream()
                        .map(column -> column + " = s." + column + " + excluded." + column)
                        .collect(Collectors.joining(", "))
                + ", latency_buckets = delivery.add_counts(s.latency_buckets, excluded.latency_buckets)"
                + ", registrations_active = coalesce(excluded.registrations_active, s.registrations_active)";
    }

    /** A configuration's minute ({@code minute}: minutes since the epoch, UTC). */
    private record Key(UUID tenantId, UUID configurationId, long minute) {}

    /** The counts of one key since the last flush; changed only under the map's lock for the key. */
    private static final class Counts {
        final long[] counters = new long[COUNTERS.size()];
        long[] latency = new long[0];
        Long active;

        void latency(int bucket) {
            if (bucket >= latency.length) {
                latency = Arrays.copyOf(latency, bucket + 1);
            }
            latency[bucket]++;
        }

        void merge(Counts other) {
            for (int i = 0; i < counters.length; i++) {
                counters[i] += other.counters[i];
            }
            latency = LatencyHistogram.add(latency, other.latency);
            if (active == null) {
                active = other.active;
            }
        }
    }

    private record Row(Key key, Counts counts) {}
}
