package io.pushgate.delivery.callbacklog;

import io.pushgate.delivery.batching.Unnest;
import io.pushgate.delivery.configuration.CallbackConfiguration;
import io.pushgate.delivery.configuration.SecretMatch;
import io.pushgate.delivery.configuration.SecretRotation;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * How many callbacks the current and the previous secret verified since the last rotation ({@code
 * delivery.secret_usage}), so that a tenant sees when AXP stopped using the old secret. Exact: the
 * callback path adds to in-memory counts per configuration and rotation ({@link #verified}); {@link
 * #flush} (off the callback path) adds them to the table in one statement, and gives them back to
 * memory when that fails, so that no count is lost or counted twice.
 */
@Service
public class SecretUsage {

    private static final Unnest<Row> ROWS = Unnest.<Row>columns()
            .uuid("configuration_id", Row::configurationId)
            .uuid("tenant_id", Row::tenantId)
            .timestamptz("rotation", Row::rotation)
            .int8("current_count", Row::current)
            .int8("previous_count", Row::previous)
            .timestamptz("last_previous_at", Row::lastPreviousAt);

    /** Adds a batch of counts to their rows (a row per configuration and rotation). */
    private static final String UPSERT = "INSERT INTO delivery.secret_usage (configuration_id, tenant_id,"
            + " previous_valid_until, current_count, previous_count, last_previous_at)"
            + " SELECT configuration_id, tenant_id, COALESCE(rotation, '-infinity'), current_count, previous_count,"
            + " last_previous_at FROM " + ROWS.as("u")
            + " ON CONFLICT (configuration_id, previous_valid_until) DO UPDATE SET"
            + " current_count = delivery.secret_usage.current_count + excluded.current_count,"
            + " previous_count = delivery.secret_usage.previous_count + excluded.previous_count,"
            + " last_previous_at = GREATEST(delivery.secret_usage.last_previous_at, excluded.last_previous_at)";

    private final DatabaseClient database;
    private final ConcurrentHashMap<Key, Counts> pending = new ConcurrentHashMap<>();

    SecretUsage(DatabaseClient database) {
        this.database = database;
    }

    /** Counts a callback of {@code configuration} that {@code match} verified (others are not counted). */
    public void verified(CallbackConfiguration configuration, SecretMatch match) {
        if (!match.verified()) {
            return;
        }
        boolean previous = match == SecretMatch.PREVIOUS;
        Instant at = previous ? Instant.now() : null;
        pending.compute(new Key(configuration.id(), configuration.rotation()), (key, counts) -> {
            Counts added = counts == null ? new Counts(configuration.tenantId()) : counts;
            added.add(previous ? 0 : 1, previous ? 1 : 0, at);
            return added;
        });
    }

    /**
     * Adds the counts gathered since the last flush to the table, then deletes the counts of rotations
     * that are no longer their configuration's (or of configurations that no longer exist).
     */
    Mono<Void> flush() {
        List<Row> rows = new ArrayList<>();
        for (Key key : pending.keySet()) {
            Counts drained = pending.remove(key);
            if (drained != null) {
                rows.add(new Row(
                        key.configurationId(),
                        drained.tenantId,
                        key.rotation() == null ? null : utc(key.rotation()),
                        drained.current,
                        drained.previous,
                        drained.lastPreviousAt == null ? null : utc(drained.lastPreviousAt)));
            }
        }
        if (rows.isEmpty()) {
            return Mono.empty();
        }
        Mono<Long> add = ROWS.bind(database.sql(UPSERT), rows)
                .fetch()
                .rowsUpdated()
                .onErrorResume(error -> {
                    rows.forEach(this::giveBack);
                    return Mono.error(error);
                });
        Mono<Long> forget = database.sql("""
                        DELETE FROM delivery.secret_usage s
                         WHERE s.configuration_id = ANY(:ids)
                           AND NOT EXISTS (
                               SELECT 1 FROM tenancy.configuration c
                                WHERE c.id = s.configuration_id
                                  AND s.previous_valid_until = CASE WHEN c.previous_secret_ciphertext IS NULL
                                      THEN '-infinity' ELSE c.previous_secret_valid_until END)""")
                .bind("ids", rows.stream().map(Row::configurationId).distinct().toArray(UUID[]::new))
                .fetch()
                .rowsUpdated();
        return add.then(forget).then();
    }

    /** The counts of {@code rotation}'s configuration since that rotation (all zero before the first flush). */
    Mono<SecretUsageView> of(SecretRotation rotation) {
        DatabaseClient.GenericExecuteSpec statement =
                database.sql("""
                        SELECT current_count, previous_count, last_previous_at FROM delivery.secret_usage
                         WHERE configuration_id = :id AND tenant_id = :tenant
                           AND previous_valid_until = COALESCE(:rotation, '-infinity'::timestamptz)""").bind("id", rotation.configurationId()).bind("tenant", rotation.tenantId());
        statement = rotation.previousSecretValidUntil() == null
                ? statement.bindNull("rotation", OffsetDateTime.class)
                : statement.bind("rotation", utc(rotation.previousSecretValidUntil()));
        return statement
                .map((row, metadata) -> {
                    OffsetDateTime last = row.get("last_previous_at", OffsetDateTime.class);
                    return new SecretUsageView(
                            row.get("current_count", Long.class),
                            row.get("previous_count", Long.class),
                            rotation.previousSecretValidUntil(),
                            last == null ? null : last.toInstant());
                })
                .one()
                .defaultIfEmpty(new SecretUsageView(0, 0, rotation.previousSecretValidUntil(), null));
    }

    /** Counts that could not be written, back into memory for the next flush. */
    private void giveBack(Row row) {
        pending.compute(
                new Key(
                        row.configurationId(),
                        row.rotation() == null ? null : row.rotation().toInstant()),
                (key, counts) -> {
                    Counts added = counts == null ? new Counts(row.tenantId()) : counts;
                    added.add(
                            row.current(),
                            row.previous(),
                            row.lastPreviousAt() == null
                                    ? null
                                    : row.lastPreviousAt().toInstant());
                    return added;
                });
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** A configuration under one rotation ({@code null}: no previous secret). */
    private record Key(UUID configurationId, Instant rotation) {}

    /** The counts of one key since the last flush; changed only under the map's lock for the key. */
    private static final class Counts {
        final UUID tenantId;
        long current;
        long previous;
        Instant lastPreviousAt;

        Counts(UUID tenantId) {
            this.tenantId = tenantId;
        }

        void add(long current, long previous, Instant at) {
            this.current += current;
            this.previous += previous;
            if (at != null && (lastPreviousAt == null || at.isAfter(lastPreviousAt))) {
                lastPreviousAt = at;
            }
        }
    }

    private record Row(
            UUID configurationId,
            UUID tenantId,
            OffsetDateTime rotation,
            long current,
            long previous,
            OffsetDateTime lastPreviousAt) {}
}
