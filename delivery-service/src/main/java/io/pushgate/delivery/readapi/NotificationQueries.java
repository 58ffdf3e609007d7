package io.pushgate.delivery.readapi;

import io.pushgate.api.paging.TenantCursors;
import io.pushgate.delivery.notification.AttemptOutcome;
import io.pushgate.delivery.notification.HotPartitions;
import io.pushgate.delivery.notification.NotificationStatus;
import io.pushgate.delivery.retention.RetentionSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * A tenant's notifications, their attempts and statistics. Every query is scoped by the tenant id
 * given: another tenant's notification is not found, exactly like one that does not exist.
 */
@Service
public class NotificationQueries {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    /** What a first page without {@code receivedFrom} reads first: the hot partitions' span. */
    static final Duration FIRST_PAGE_SPAN = HotPartitions.WINDOW;

    /**
     * How long after its receipt a notification's attempts can be made: its delivery window (at most
     * {@link HotPartitions#WINDOW}) and a day's margin for attempts recorded late.
     */
    static final Duration ATTEMPT_SPAN = HotPartitions.WINDOW.plus(Duration.ofDays(1));

    /**
     * How far an {@code eventId} look-up's "older than the dedup window" reaches into the window: the
     * instance that pruned the dedup keys may have a clock ahead of this one's.
     */
    static final Duration CLOCK_MARGIN = Duration.ofHours(1);

    private final DatabaseClient database;
    private final Duration dedupWindow;

    NotificationQueries(DatabaseClient database, RetentionSettings retention) {
        this.database = database;
        this.dedupWindow = retention.dedupWindow();
    }

    /**
     * The tenant's notifications matching {@code filter}, newest first, {@code limit} (1–{@value
     * #MAX_LIMIT}) per page; {@code cursor} is a page's {@code nextCursor} (or {@code null} for the
     * first page). A bad cursor or limit is an {@link IllegalArgumentException}.
     *
     * <p>Every query names the partition key, so that the planner leaves out the days it cannot
     * need: a page after a cursor reads no partition newer than the cursor, and a first page without
     * {@code receivedFrom} reads the partitions of the last {@link #FIRST_PAGE_SPAN} first, and the
     * older ones only when those did not fill the page.
     */
    public Mono<NotificationPage> list(UUID tenantId, NotificationFilter filter, String cursor, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
        }
        Cursor after = cursor == null || cursor.isBlank() ? null : Cursor.parse(tenantId, cursor);
        Mono<List<NotificationSummary>> rows;
        if (filter.eventId() != null) {
            // the event's condition names its partitions by itself: no need to read the hot ones first
            rows = eventLocation(tenantId, filter.eventId(), Instant.now())
                    .flatMap(event -> summaries(listQuery(tenantId, filter, after, limit, null, null, event)));
        } else if (after == null && filter.receivedFrom() == null) {
            Instant since = Instant.now().minus(FIRST_PAGE_SPAN);
            rows = summaries(firstPage(tenantId, filter, limit, since))
                    .flatMap(recent -> recent.size() > limit
                            ? Mono.just(recent)
                            : summaries(listQuery(tenantId, filter, null, limit - recent.size(), null, since))
                                    .map(older -> {
                                        List<NotificationSummary> both = new ArrayList<>(recent);
                                        both.addAll(older);
                                        return both;
                                    }));
        } else {
            rows = summaries(listQuery(tenantId, filter, after, limit, null, null));
        }
        return rows.map(found -> {
            if (found.size() <= limit) {
                return new NotificationPage(List.copyOf(found), null);
            }
            List<NotificationSummary> page = found.subList(0, limit);
            NotificationSummary last = page.get(limit - 1);
            return new NotificationPage(List.copyOf(page), new Cursor(last.receivedAt(), last.id()).encode(tenantId));
        });
    }

    /** A first page's statement: the rows received since {@code since}, in the hot partitions only. */
    Query firstPage(UUID tenantId, NotificationFilter filter, int limit, Instant since) {
        return listQuery(tenantId, filter, null, limit, since, null);
    }

    /**
     * Where the tenant's notifications with {@code eventId} can be at {@code now}: the one the dedup
     * table names (its key is kept for the dedup window, with the notification's id and {@code
     * received_at}), and any received before the window — a key is pruned only once its notification is
     * older than that.
     */
    Mono<EventLocation> eventLocation(UUID tenantId, String eventId, Instant now) {
        Instant olderThan = now.minus(dedupWindow).plus(CLOCK_MARGIN);
        return database.sql("""
                        SELECT notification_id, received_at FROM delivery.notification_dedup
                         WHERE tenant_id = $1 AND event_id = $2""")
                .bind(0, tenantId)
                .bind(1, eventId)
                .map((row, metadata) -> new EventLocation(
                        row.get("notification_id", UUID.class),
                        instant(row.get("received_at", OffsetDateTime.class)),
                        olderThan))
                .one()
                .defaultIfEmpty(new EventLocation(null, null, olderThan));
    }

    /**
     * Where the notifications with a filter's {@code eventId} can be: the notification {@code id}
     * received at {@code receivedAt} (none when both are {@code null}), and any received before {@code
     * olderThan}.
     */
    record EventLocation(UUID id, Instant receivedAt, Instant olderThan) {}

    /** {@link #listQuery(UUID, NotificationFilter, Cursor, int, Instant, Instant, EventLocation)} for a filter without an {@code eventId}. */
    Query listQuery(UUID tenantId, NotificationFilter filter, Cursor after, int limit, Instant from, Instant before) {
        if (filter.eventId() != null) {
            throw new IllegalArgumentException("a filter with an eventId needs its event's location");
        }
        return listQuery(tenantId, filter, after, limit, from, before, null);
    }

    /**
     * The list's statement for {@code limit} + 1 rows: the filter's and the cursor's conditions, and
     * {@code received_at} at or after {@code from} and before {@code before} when given. An {@code
     * eventId} is looked for only where {@code event} says it can be, so that the statement reads the
     * partition of the row the dedup table names and the days older than the dedup window (each with its
     * event index, {@code Maintenance}), never the others: {@code event_id} alone has no index on the hot
     * partitions, and would be a scan of every one of the tenant's rows.
     */
    Query listQuery(
            UUID tenantId,
            NotificationFilter filter,
            Cursor after,
            int limit,
            Instant from,
            Instant before,
            EventLocation event) {
        StringBuilder sql = new StringBuilder("""
                SELECT id, configuration_id, event_id, session_id, status, received_at, completed_at
                  FROM delivery.notification WHERE tenant_id = $1""");
        List<Object> values = new ArrayList<>();
        values.add(tenantId);
        if (!filter.statuses().isEmpty()) {
            values.add(filter.statuses().toArray(String[]::new));
            sql.append(" AND status = ANY($").append(values.size()).append(")");
        }
        Instant lowest = latest(filter.receivedFrom(), from);
        if (lowest != null) {
            values.add(utc(lowest));
            sql.append(" AND received_at >= $").append(values.size());
        }
        if (filter.receivedBefore() != null) {
            values.add(utc(filter.receivedBefore()));
            sql.append(" AND received_at < $").append(values.size());
        }
        if (before != null) {
            values.add(utc(before));
            sql.append(" AND received_at < $").append(values.size());
        }
        if (filter.sessionId() != null) {
            values.add(filter.sessionId());
            sql.append(" AND session_id = $").append(values.size());
        }
        if (filter.configurationId() != null) {
            values.add(filter.configurationId());
            sql.append(" AND configuration_id = $").append(values.size());
        }
        if (filter.eventId() != null) {
            values.add(filter.eventId());
            sql.append(" AND event_id = $").append(values.size());
            values.add(utc(event.olderThan()));
            sql.append(" AND (received_at < $").append(values.size());
            if (event.id() != null) {
                values.add(event.id());
                values.add(utc(event.receivedAt()));
                sql.append(" OR (id = $")
                        .append(values.size() - 1)
                        .append(" AND received_at = $")
                        .append(values.size())
                        .append(")");
            }
            sql.append(")");
        }
        if (after != null) {
            values.add(utc(after.receivedAt()));
            values.add(after.id());
            // the first condition is the row comparison's consequence, said so that the planner
            // prunes the partitions newer than the cursor
            sql.append(" AND received_at <= $")
                    .append(values.size() - 1)
                    .append(" AND (received_at, id) < ($")
                    .append(values.size() - 1)
                    .append(", $")
                    .append(values.size())
                    .append(")");
        }
        values.add(limit + 1);
        sql.append(" ORDER BY received_at DESC, id DESC LIMIT $").append(values.size());
        return new Query(sql.toString(), List.copyOf(values));
    }

    private Mono<List<NotificationSummary>> summaries(Query query) {
        DatabaseClient.GenericExecuteSpec statement = database.sql(query.sql());
        for (int i = 0; i < query.values().size(); i++) {
            statement = statement.bind(i, query.values().get(i));
        }
        return statement
                .map((row, metadata) -> new NotificationSummary(
                        row.get("id", UUID.class),
                        row.get("configuration_id", UUID.class),
                        row.get("event_id", String.class),
                        row.get("session_id", String.class),
                        row.get("status", String.class),
                        instant(row.get("received_at", OffsetDateTime.class)),
                        instant(row.get("completed_at", OffsetDateTime.class))))
                .all()
                .collectList();
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    /** A statement and its positional values ({@code $1} …). */
    record Query(String sql, List<Object> values) {}

    /**
     * The tenant's notification {@code id} with its attempts; empty when the tenant has none such.
     * Its attempts are read from the partitions of the days they can have been made on: from its
     * receipt to {@link #ATTEMPT_SPAN} later.
     */
    public Mono<NotificationDetails> get(UUID tenantId, UUID id) {
        Mono<List<NotificationDetails.ResendView>> resends = database.sql("""
                        SELECT requested_by, previous_status, requested_at FROM delivery.resend
                         WHERE notification_id = $1 AND tenant_id = $2 ORDER BY id""")
                .bind(0, id)
                .bind(1, tenantId)
                .map((row, metadata) -> new NotificationDetails.ResendView(
                        row.get("requested_by", String.class),
                        row.get("previous_status", String.class),
                        instant(row.get("requested_at", OffsetDateTime.class))))
                .all()
                .collectList();
        return database.sql("""
                        SELECT id, configuration_id, event_id, session_id, status, received_at, completed_at, error_detail
                          FROM delivery.notification WHERE id = $1 AND tenant_id = $2""")
                .bind(0, id)
                .bind(1, tenantId)
                .map((row, metadata) -> new NotificationDetails(
                        row.get("id", UUID.class),
                        row.get("configuration_id", UUID.class),
                        row.get("event_id", String.class),
                        row.get("session_id", String.class),
                        row.get("status", String.class),
                        instant(row.get("received_at", OffsetDateTime.class)),
                        instant(row.get("completed_at", OffsetDateTime.class)),
                        row.get("error_detail", String.class),
                        List.of(),
                        List.of()))
                .one()
                .flatMap(n -> attempts(tenantId, n.id(), n.receivedAt())
                        .zipWith(resends)
                        .map(lists -> new NotificationDetails(
                                n.id(),
                                n.configurationId(),
                                n.eventId(),
                                n.sessionId(),
                                n.status(),
                                n.receivedAt(),
                                n.completedAt(),
                                n.errorDetail(),
                                lists.getT1(),
                                lists.getT2())));
    }

    /**
     * The attempts of a notification received at {@code receivedAt}: from the partitions of the days
     * they can have been made on (a re-send is refused past the hot span, so its attempts fall in it too).
     */
    private Mono<List<NotificationDetails.AttemptView>> attempts(UUID tenantId, UUID id, Instant receivedAt) {
        return database.sql("""
                        SELECT provider, outcome, error_code, latency_ms, at FROM delivery.attempt
                         WHERE notification_id = $1 AND tenant_id = $2 AND at >= $3 AND at < $4 ORDER BY id""")
                .bind(0, id)
                .bind(1, tenantId)
                .bind(2, utc(receivedAt))
                .bind(3, utc(receivedAt.plus(ATTEMPT_SPAN)))
                .map((row, metadata) -> new NotificationDetails.AttemptView(
                        row.get("provider", String.class),
                        row.get("outcome", String.class),
                        row.get("error_code", String.class),
                        row.get("latency_ms", Double.class),
                        instant(row.get("at", OffsetDateTime.class))))
                .all()
                .collectList();
    }

    /**
     * Counts by status of the tenant's notifications received in [{@code from}, {@code to}), and the
     * percentiles of acceptance (or the last re-send) → the provider's final answer among them.
     */
    public Mono<DeliveryStats> stats(UUID tenantId, Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        Mono<Map<String, Long>> counts = database.sql("""
                        SELECT status, count(*) AS n FROM delivery.notification
                         WHERE tenant_id = $1 AND received_at >= $2 AND received_at < $3 GROUP BY status""")
                .bind(0, tenantId)
                .bind(1, utc(from))
                .bind(2, utc(to))
                .map((row, metadata) -> Map.entry(row.get("status", String.class), row.get("n", Long.class)))
                .all()
                .collect(
                        () -> {
                            Map<String, Long> all = new LinkedHashMap<>();
                            for (NotificationStatus status : NotificationStatus.values()) {
                                all.put(status.text(), 0L);
                            }
                            return all;
                        },
                        (all, entry) -> all.put(entry.getKey(), entry.getValue()));
        Mono<DeliveryStats.Latency> latency = database.sql("""
                        SELECT count(*) AS samples,
                               percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (
                                   ORDER BY extract(epoch FROM answered_at - coalesce(resent_at, received_at)) * 1000) AS p
                          FROM delivery.notification
                         WHERE tenant_id = $1 AND received_at >= $2 AND received_at < $3
                           AND answered_at IS NOT NULL AND completed_at IS NOT NULL""")
                .bind(0, tenantId)
                .bind(1, utc(from))
                .bind(2, utc(to))
                .map((row, metadata) -> {
                    long samples = row.get("samples", Long.class);
                    Double[] p = row.get("p", Double[].class);
                    return samples == 0 || p == null
                            ? new DeliveryStats.Latency(0, null, null, null)
                            : new DeliveryStats.Latency(samples, round(p[0]), round(p[1]), round(p[2]));
                })
                .one();
        return counts.zipWith(latency, (c, l) -> new DeliveryStats(from, to, c, l));
    }

    private static Double round(Double millis) {
        return millis == null ? null : Math.round(millis * 1000) / 1000.0;
    }

    /**
     * A credential whose sends the provider refused for the credential itself (one of {@code
     * errorCodes}) since {@code since}, and that delivered nothing after its last such refusal.
     *
     * @param failures the refused attempts after the credential's last delivered one
     * @param lastAt the newest of them
     * @param errorCode the newest one's code
     */
    public record FailingCredential(UUID credentialId, long failures, Instant lastAt, String errorCode) {}

    /**
     * The tenant's credentials whose attempts since {@code since} ended {@code failed} with one of
     * {@code errorCodes} and were not followed by a delivered attempt of the same credential. The
     * failed attempts come from a small partial index ({@code attempt_failed_idx}, V10); the delivered
     * ones are looked for only for credentials that failed, after their first failure.
     */
    public Mono<List<FailingCredential>> failingCredentials(UUID tenantId, List<String> errorCodes, Instant since) {
        // the outcome as a literal (an enum's text), so that the planner may use the partial index
        String failed = "'" + AttemptOutcome.FAILED.text() + "'";
        return database.sql("WITH failed AS ("
                        + " SELECT id, credential_id, error_code, at FROM delivery.attempt"
                        + " WHERE tenant_id = $1 AND at >= $2 AND outcome = " + failed
                        + " AND error_code = ANY($3) AND credential_id IS NOT NULL),"
                        + " delivered AS ("
                        + " SELECT a.credential_id, max(a.at) AS at FROM delivery.attempt a"
                        + " WHERE a.tenant_id = $1 AND a.outcome = $4 AND a.at >= (SELECT min(at) FROM failed)"
                        + " AND a.credential_id IN (SELECT credential_id FROM failed)"
                        + " GROUP BY a.credential_id)"
                        + " SELECT f.credential_id, count(*) AS failures, max(f.at) AS last_at,"
                        + " (array_agg(f.error_code ORDER BY f.at DESC, f.id DESC))[1] AS error_code"
                        + " FROM failed f LEFT JOIN delivered d ON d.credential_id = f.credential_id"
                        + " WHERE d.at IS NULL OR f.at > d.at"
                        + " GROUP BY f.credential_id ORDER BY last_at DESC")
                .bind(0, tenantId)
                .bind(1, utc(since))
                .bind(2, errorCodes.toArray(String[]::new))
                .bind(3, AttemptOutcome.DELIVERED.text())
                .map((row, metadata) -> new FailingCredential(
                        row.get("credential_id", UUID.class),
                        row.get("failures", Long.class),
                        row.get("last_at", OffsetDateTime.class).toInstant(),
                        row.get("error_code", String.class)))
                .all()
                .collectList();
    }

    /** A configuration's notifications still unfinished well after their receipt. */
    public record Backlog(UUID configurationId, long waiting, Instant oldest) {}

    /**
     * The tenant's notifications received before {@code before} and not finished yet ({@code accepted}
     * or {@code retrying}), per configuration; from the hot partitions, whose unfinished rows the
     * sweeper's partial index holds.
     */
    public Mono<List<Backlog>> backlog(UUID tenantId, Instant before) {
        return database.sql("SELECT configuration_id, count(*) AS waiting, min(received_at) AS oldest"
                        + " FROM delivery.notification n WHERE n.tenant_id = $1 AND n.completed_at IS NULL"
                        + " AND n.received_at < $2 AND " + HotPartitions.bound("n")
                        + " GROUP BY configuration_id ORDER BY oldest")
                .bind(0, tenantId)
                .bind(1, utc(before))
                .map((row, metadata) -> new Backlog(
                        row.get("configuration_id", UUID.class),
                        row.get("waiting", Long.class),
                        row.get("oldest", OffsetDateTime.class).toInstant()))
                .all()
                .collectList();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    /**
     * Where a page ends: the last row's (received_at, id), opaque to callers and bound to the tenant
     * ({@link TenantCursors}: another tenant's cursor is refused as a damaged one is).
     */
    record Cursor(Instant receivedAt, UUID id) {

        String encode(UUID tenantId) {
            long micros = ChronoUnit.MICROS.between(Instant.EPOCH, receivedAt);
            return TenantCursors.encode(tenantId, micros + ":" + id);
        }

        static Cursor parse(UUID tenantId, String cursor) {
            String text = TenantCursors.decode(tenantId, cursor);
            try {
                int colon = text.indexOf(':');
                long micros = Long.parseLong(text.substring(0, colon));
                return new Cursor(
                        Instant.EPOCH.plus(micros, ChronoUnit.MICROS), UUID.fromString(text.substring(colon + 1)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cursor is not one this list gave out");
            }
        }
    }
}
