package io.pushgate.delivery.stats;

import io.pushgate.delivery.callbacklog.RefusalReason;
import io.pushgate.delivery.notification.NotificationStatus;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Reads a tenant's rollup ({@code delivery.stats_minute}) as a series of points. */
@Component
class SeriesQueries {

    private final DatabaseClient database;

    SeriesQueries(DatabaseClient database) {
        this.database = database;
    }

    /** How many points [{@code from}, {@code to}) makes at {@code step}: from rounded down to the step. */
    static long points(Instant from, Instant to, Step step) {
        Instant first = start(from, step);
        long width = step.width().toSeconds();
        return Math.floorDiv(to.getEpochSecond() - first.getEpochSecond() + width - 1, width);
    }

    /** {@code instant} rounded down to {@code step}, counted from the epoch (UTC). */
    static Instant start(Instant instant, Step step) {
        long width = step.width().toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(instant.getEpochSecond(), width) * width);
    }

    /**
     * The tenant's series over [{@code from}, {@code to}) at {@code step}, of one configuration or
     * (when {@code configurationId} is {@code null}) of all.
     */
    Mono<Series> series(UUID tenantId, UUID configurationId, Instant from, Instant to, Step step) {
        Instant first = start(from, step);
        long count = points(from, to, step);
        Instant end = first.plus(step.width().multipliedBy(count));
        String configuration = configurationId == null ? "" : " AND configuration_id = :configuration";
        String sums = Rollups.COUNTERS.stream()
                .filter(column -> column != null)
                .map(column -> "sum(" + column + ")::bigint AS " + column)
                .collect(Collectors.joining(", "));
        DatabaseClient.GenericExecuteSpec counts = bind(
                database.sql("SELECT date_bin(:step::interval, minute, TIMESTAMPTZ 'epoch') AS at, " + sums
                                + ", delivery.sum_counts(latency_buckets) AS latency_buckets"
                                + " FROM delivery.stats_minute WHERE tenant_id = :tenant AND minute >= :from"
                                + " AND minute < :to" + configuration + " GROUP BY 1")
                        .bind("step", step.width().toSeconds() + " seconds"),
                tenantId,
                configurationId,
                first,
                end);
        // the last count of each configuration before the series, then every count within it
        DatabaseClient.GenericExecuteSpec before = bind(
                database.sql("SELECT DISTINCT ON (configuration_id) configuration_id, minute, registrations_active"
                        + " FROM delivery.stats_minute WHERE tenant_id = :tenant AND minute < :from"
                        + configuration + " AND registrations_active IS NOT NULL"
                        + " ORDER BY configuration_id, minute DESC"),
                tenantId,
                configurationId,
                first,
                null);
        DatabaseClient.GenericExecuteSpec within = bind(
                database.sql("SELECT configuration_id, minute, registrations_active FROM delivery.stats_minute"
                        + " WHERE tenant_id = :tenant AND minute >= :from AND minute < :to" + configuration
                        + " AND registrations_active IS NOT NULL ORDER BY minute"),
                tenantId,
                configurationId,
                first,
                end);
        Mono<Map<Instant, Sums>> byPoint =
                counts.map((row, metadata) -> Sums.of(row)).all().collectMap(Sums::at);
        Mono<List<Active>> actives = before.map(SeriesQueries::active)
                .all()
                .concatWith(within.map(SeriesQueries::active).all())
                .collectList();
        return Mono.zip(byPoint, actives).map(found -> assemble(step, first, count, found.getT1(), found.getT2()));
    }

    private static DatabaseClient.GenericExecuteSpec bind(
            DatabaseClient.GenericExecuteSpec statement,
            UUID tenantId,
            UUID configurationId,
            Instant from,
            Instant to) {
        statement = statement.bind("tenant", tenantId).bind("from", from.atOffset(ZoneOffset.UTC));
        if (to != null) {
            statement = statement.bind("to", to.atOffset(ZoneOffset.UTC));
        }
        return configurationId == null ? statement : statement.bind("configuration", configurationId);
    }

    private static Active active(Readable row) {
        return new Active(
                row.get("configuration_id", UUID.class),
                row.get("minute", OffsetDateTime.class).toInstant(),
                row.get("registrations_active", Long.class));
    }

    private static Series assemble(
            Step step, Instant first, long count, Map<Instant, Sums> byPoint, List<Active> actives) {
        List<Series.Point> points = new ArrayList<>((int) Math.min(count, Integer.MAX_VALUE));
        Map<UUID, Long> current = new HashMap<>();
        int next = 0;
        for (long i = 0; i < count; i++) {
            Instant at = first.plus(step.width().multipliedBy(i));
            Instant pointEnd = at.plus(step.width());
            // the actives are in time order (the ones before the series first): carry each forward
            while (next < actives.size() && actives.get(next).minute().isBefore(pointEnd)) {
                current.put(
                        actives.get(next).configurationId(), actives.get(next).active());
                next++;
            }
            long active = current.values().stream().mapToLong(Long::longValue).sum();
            Sums sums = byPoint.getOrDefault(at, Sums.none(at));
            points.add(sums.point(active));
        }
        return new Series(step.text(), points);
    }

    private record Active(UUID configurationId, Instant minute, long active) {}

    /** One point's sums, in {@link Rollups#COUNTERS}' order (0 for a status without a column). */
    private record Sums(Instant at, long[] counters, long[] latency) {

        static Sums none(Instant at) {
            return new Sums(at, new long[Rollups.COUNTERS.size()], new long[0]);
        }

        static Sums of(Readable row) {
            long[] counters = new long[Rollups.COUNTERS.size()];
            for (int i = 0; i < counters.length; i++) {
                String column = Rollups.COUNTERS.get(i);
                if (column != null) {
                    counters[i] = row.get(column, Long.class);
                }
            }
            Long[] buckets = row.get("latency_buckets", Long[].class);
            long[] latency = new long[buckets == null ? 0 : buckets.length];
            for (int i = 0; i < latency.length; i++) {
                latency[i] = buckets[i] == null ? 0 : buckets[i];
            }
            return new Sums(row.get("at", OffsetDateTime.class).toInstant(), counters, latency);
        }

        Series.Point point(long active) {
            int refusedAt = Rollups.REFUSED;
            Map<String, Long> refusedByReason = new LinkedHashMap<>();
            long refused = 0;
            for (RefusalReason reason : RefusalReason.values()) {
                long n = counters[refusedAt + reason.ordinal()];
                refusedByReason.put(reason.text(), n);
                refused += n;
            }
            int finishedAt = Rollups.FINISHED;
            Map<String, Long> notifications = new LinkedHashMap<>();
            for (NotificationStatus status : NotificationStatus.values()) {
                if (status.isFinal()) {
                    notifications.put(status.text(), counters[finishedAt + status.ordinal()]);
                }
            }
            long removedAsDead = counters[Rollups.REMOVED_DEAD];
            return new Series.Point(
                    at,
                    new Series.Callbacks(
                            counters[Rollups.ACCEPTED], counters[Rollups.DUPLICATE], refused, refusedByReason),
                    notifications,
                    new Series.Latency(
                            LatencyHistogram.percentile(latency, 0.5), LatencyHistogram.percentile(latency, 0.99)),
                    new Series.Registrations(active, removedAsDead));
        }
    }
}
