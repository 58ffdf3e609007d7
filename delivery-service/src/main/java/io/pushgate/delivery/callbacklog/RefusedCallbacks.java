package io.pushgate.delivery.callbacklog;

import io.pushgate.api.paging.TenantCursors;
import io.pushgate.delivery.batching.Unnest;
import java.net.InetAddress;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * The refused-callback log ({@code delivery.refused_callback}). The callback path only records a
 * refusal in memory ({@link #refused}): per configuration the newest {@code samples-per-flush}
 * samples and a count of all. {@link #flush} (every {@code flush-interval}, off the callback path)
 * writes the samples of all configurations in one statement and trims each configuration's log to
 * its newest {@code keep}: a flood of N bad callbacks writes at most {@code samples-per-flush} rows
 * per configuration and interval, whatever N is. Neither the signature nor the body is ever kept;
 * for a malformed event, the name of the field at fault.
 */
@Service
public class RefusedCallbacks {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 100;

    /** A field name as the log keeps it: at most this many characters, no control characters. */
    static final int MAX_FIELD = 64;

    private static final Logger log = LoggerFactory.getLogger(RefusedCallbacks.class);

    private static final Unnest<Row> ROWS = Unnest.<Row>columns()
            .uuid("tenant_id", Row::tenantId)
            .uuid("configuration_id", Row::configurationId)
            .timestamptz("at", Row::at)
            .text("source_ip", Row::sourceIp)
            .text("reason", Row::reason)
            .text("field", Row::field);

    private final DatabaseClient database;
    private final CallbackLogSettings settings;
    private final ConcurrentHashMap<UUID, Pending> pending = new ConcurrentHashMap<>();

    RefusedCallbacks(DatabaseClient database, CallbackLogSettings settings) {
        this.database = database;
        this.settings = settings;
    }

    /**
     * Records that a callback of {@code configurationId} was refused for {@code reason}, from {@code
     * source} (the client as the trusted-proxies filter decided it; {@code null} if unknown), with the
     * field at fault of a malformed event ({@code null} otherwise). In memory only, at once.
     */
    public void refused(UUID tenantId, UUID configurationId, RefusalReason reason, InetAddress source, String field) {
        Sample sample = new Sample(Instant.now(), source, reason, field);
        int samples = settings.samplesPerFlush();
        pending.compute(configurationId, (id, current) -> {
            Pending added = current == null ? new Pending(tenantId) : current;
            added.add(sample, samples);
            return added;
        });
    }

    /**
     * Writes what was gathered since the last flush: one insert for every configuration's samples,
     * then one trim of those configurations' logs. Samples that cannot be written are dropped (it is
     * a log of examples, and the next refusals will be sampled again).
     */
    Mono<Void> flush() {
        List<Row> rows = new ArrayList<>();
        List<UUID> configurations = new ArrayList<>();
        for (UUID id : pending.keySet()) {
            Pending drained = pending.remove(id);
            if (drained == null) {
                continue;
            }
            configurations.add(id);
            for (Sample sample : drained.samples) {
                rows.add(new Row(
                        drained.tenantId,
                        id,
                        sample.at().atOffset(ZoneOffset.UTC),
                        sample.source() == null ? null : sample.source().getHostAddress(),
                        sample.reason().text(),
                        printableField(sample.field())));
            }
            if (drained.refused > drained.samples.size()) {
                log.debug(
                        "Refused callbacks of configuration {}: {}, {} of them kept",
                        id,
                        drained.refused,
                        drained.samples.size());
            }
        }
        if (rows.isEmpty()) {
            return Mono.empty();
        }
        Mono<Long> insert = ROWS.bind(
                        database.sql(
                                "INSERT INTO delivery.refused_callback (tenant_id, configuration_id, at, source_ip,"
                                        + " reason, field) SELECT * FROM " + ROWS.as("r")),
                        rows)
                .fetch()
                .rowsUpdated();
        Mono<Long> trim = database.sql("""
                        DELETE FROM delivery.refused_callback r
                         USING (SELECT id FROM (
                                  SELECT id, row_number() OVER (
                                             PARTITION BY configuration_id ORDER BY at DESC, id DESC) AS n
                                    FROM delivery.refused_callback WHERE configuration_id = ANY(:ids)) ranked
                                 WHERE n > :keep) old
                         WHERE r.id = old.id""")
                .bind("ids", configurations.toArray(UUID[]::new))
                .bind("keep", settings.keep())
                .fetch()
                .rowsUpdated();
        return insert.then(trim).then();
    }

    /**
     * The refused callbacks of {@code configurationId} (which the caller made sure is {@code
     * tenantId}'s), newest first, {@code limit} per page; {@code cursor} is a page's {@code
     * nextCursor}. A bad cursor is an {@link IllegalArgumentException}.
     */
    Mono<RefusedCallbackPage> page(UUID tenantId, UUID configurationId, String cursor, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
        }
        Cursor after = cursor == null || cursor.isBlank() ? null : Cursor.parse(tenantId, cursor);
        String sql = "SELECT id, at, source_ip, reason, field FROM delivery.refused_callback"
                + " WHERE tenant_id = :tenant AND configuration_id = :configuration"
                + (after == null ? "" : " AND (at, id) < (:afterAt, :afterId)")
                + " ORDER BY at DESC, id DESC LIMIT :limit";
        DatabaseClient.GenericExecuteSpec statement = database.sql(sql)
                .bind("tenant", tenantId)
                .bind("configuration", configurationId)
                .bind("limit", limit + 1);
        if (after != null) {
            statement = statement
                    .bind("afterAt", after.at().atOffset(ZoneOffset.UTC))
                    .bind("afterId", after.id());
        }
        return statement
                .map((row, metadata) -> {
                    RefusalReason reason = RefusalReason.of(row.get("reason", String.class));
                    return new Listed(
                            row.get("id", Long.class),
                            new RefusedCallback(
                                    row.get("at", OffsetDateTime.class).toInstant(),
                                    row.get("source_ip", String.class),
                                    reason.text(),
                                    reason.hint(row.get("field", String.class))));
                })
                .all()
                .collectList()
                .map(rows -> {
                    List<RefusedCallback> items =
                            rows.stream().limit(limit).map(Listed::item).toList();
                    if (rows.size() <= limit) {
                        return new RefusedCallbackPage(items, null);
                    }
                    Listed last = rows.get(limit - 1);
                    return new RefusedCallbackPage(items, new Cursor(last.item().at(), last.id()).encode(tenantId));
                });
    }

    /**
     * A configuration's refused callbacks since a time, as logged (sampled: a flood logs at most
     * {@code samples-per-flush} per flush): how many, the newest's time and its reason with the hint.
     */
    public record RecentRefusals(UUID configurationId, long logged, Instant lastAt, String reason, String hint) {}

    /** The tenant's configurations with refused callbacks logged since {@code since}, the newest first. */
    public Mono<List<RecentRefusals>> refusedSince(UUID tenantId, Instant since) {
        return database.sql("""
                        SELECT configuration_id, count(*) AS logged, max(at) AS last_at,
                               (array_agg(reason ORDER BY at DESC, id DESC))[1] AS reason,
                               (array_agg(field ORDER BY at DESC, id DESC))[1] AS field
                          FROM delivery.refused_callback
                         WHERE tenant_id = $1 AND at >= $2
                         GROUP BY configuration_id
                         ORDER BY last_at DESC""")
                .bind(0, tenantId)
                .bind(1, since.atOffset(ZoneOffset.UTC))
                .map((row, metadata) -> {
                    RefusalReason reason = RefusalReason.of(row.get("reason", String.class));
                    return new RecentRefusals(
                            row.get("configuration_id", UUID.class),
                            row.get("logged", Long.class),
                            row.get("last_at", OffsetDateTime.class).toInstant(),
                            reason.text(),
                            reason.hint(row.get("field", String.class)));
                })
                .all()
                .collectList();
    }

    /** An untrusted field name as one bounded token without control characters, or {@code null}. */
    static String printableField(String field) {
        if (field == null) {
            return null;
        }
        String shown = field.length() > MAX_FIELD ? field.substring(0, MAX_FIELD - 1) + "…" : field;
        StringBuilder clean = new StringBuilder(shown.length());
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            clean.append(Character.isISOControl(c) ? '?' : c);
        }
        return clean.toString();
    }

    /** One refused callback as it waits for the flush. */
    private record Sample(Instant at, InetAddress source, RefusalReason reason, String field) {}

    /** A configuration's refusals since the last flush: the newest samples and the count of all. */
    private static final class Pending {
        final UUID tenantId;
        final ArrayDeque<Sample> samples = new ArrayDeque<>();
        long refused;

        Pending(UUID tenantId) {
            this.tenantId = tenantId;
        }

        /** Called under the map's lock for this configuration. */
        void add(Sample sample, int max) {
            refused++;
            if (samples.size() >= max) {
                samples.pollFirst();
            }
            samples.addLast(sample);
        }
    }

    private record Row(
            UUID tenantId, UUID configurationId, OffsetDateTime at, String sourceIp, String reason, String field) {}

    private record Listed(long id, RefusedCallback item) {}

    /**
     * Where a page ends: the last row's (at, id), opaque to callers and bound to the tenant ({@link
     * TenantCursors}: another tenant's cursor is refused as a damaged one is).
     */
    record Cursor(Instant at, long id) {

        String encode(UUID tenantId) {
            long micros = ChronoUnit.MICROS.between(Instant.EPOCH, at);
            return TenantCursors.encode(tenantId, micros + ":" + id);
        }

        static Cursor parse(UUID tenantId, String cursor) {
            String text = TenantCursors.decode(tenantId, cursor);
            try {
                int colon = text.indexOf(':');
                return new Cursor(
                        Instant.EPOCH.plus(Long.parseLong(text.substring(0, colon)), ChronoUnit.MICROS),
                        Long.parseLong(text.substring(colon + 1)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cursor is not one this list gave out");
            }
        }
    }
}
