package io.pushgate.delivery.dispatch;

import io.pushgate.delivery.batching.Coalescer;
import io.pushgate.delivery.batching.Unnest;
import io.pushgate.delivery.notification.AttemptOutcome;
import io.pushgate.delivery.notification.HotPartitions;
import io.pushgate.delivery.notification.NotificationAccepted;
import io.pushgate.delivery.notification.NotificationStatus;
import io.pushgate.delivery.registration.Device;
import io.pushgate.delivery.registration.PushProvider;
import io.pushgate.delivery.registration.Registrations;
import io.r2dbc.spi.R2dbcException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The delivery state of {@code delivery.notification} and {@code delivery.attempt}. Every claim
 * writes a new fencing token into {@code lease_owner}, and every later change of the row names that
 * token: a write by a holder whose lease was taken over since — by another instance, or by this
 * instance's own sweeper re-claiming a row that waited too long — changes nothing.
 */
@Component
class Deliveries {

    /**
     * Every statement here names the partition key's bound ({@link HotPartitions}): only the
     * partitions that can still hold a notification to deliver are planned and touched.
     */
    private static final String HOT = HotPartitions.bound("n");

    /** A claimed row; its delivery window counts from its last re-send, if any, else from its receipt. */
    private static final String RETURNING = """
             RETURNING n.id, n.lease_owner, n.tenant_id, n.configuration_id, n.event_id, n.session_id,
                       n.payload::text AS payload, n.received_at, coalesce(n.resent_at, n.received_at) AS window_opened,
                       n.attempts""";

    /**
     * A re-send: a notification of the tenant that ended with one of the given statuses goes back to
     * {@code accepted} with a fresh delivery window, leased to the caller at once, and the re-send is
     * audited. The row lock makes two at once impossible: the second re-checks the row after the first
     * committed, finds it {@code accepted} and changes nothing. Only a notification whose fresh window
     * (its configuration's, from now) ends within {@link HotPartitions#WINDOW} of its receipt: delivery
     * reads only those partitions, and a row past them would never be finished.
     */
    private static final String RESEND = """
            WITH old AS (
                SELECT n.id, n.received_at, n.status FROM delivery.notification n
                  JOIN tenancy.configuration c ON c.id = n.configuration_id
                 WHERE n.id = $1 AND n.tenant_id = $2 AND n.completed_at IS NOT NULL AND n.status = ANY($3)
                   AND %s
                   AND n.received_at + interval '%d hours' > now() + c.delivery_window_seconds * interval '1 second'
                 FOR UPDATE OF n),
            resent AS (
                UPDATE delivery.notification n
                   SET status = 'accepted', completed_at = NULL, resent_at = now(), error_code = NULL,
                       error_detail = NULL, lease_owner = gen_random_uuid(),
                       lease_until = now() + $4::bigint * interval '1 millisecond'
                  FROM old
                 WHERE n.id = old.id AND n.received_at = old.received_at
                RETURNING n.*, old.status AS previous_status),
            audit AS (
                INSERT INTO delivery.resend (notification_id, tenant_id, requested_by, previous_status)
                SELECT id, tenant_id, $5, previous_status FROM resent)
            SELECT id, lease_owner, tenant_id, configuration_id, event_id, session_id,
                   payload::text AS payload, received_at, resent_at AS window_opened, attempts
              FROM resent""".formatted(HotPartitions.bound("n"), HotPartitions.WINDOW.toHours());

    /** Fresh (never claimed) rows, and rows whose lease ran out (a crashed owner, a retry that is due). */
    private static final String CLAIM = """
            UPDATE delivery.notification n
               SET lease_owner = gen_random_uuid(), lease_until = now() + $2::bigint * interval '1 millisecond'
             WHERE n.id = $1 AND n.received_at = $3 AND n.completed_at IS NULL AND %s
               AND (n.lease_until <= now() OR (n.lease_owner IS NULL AND n.attempts = 0))""".formatted(HOT) + "\n" + RETURNING;

    private static final String CLAIM_OVERDUE = """
            UPDATE delivery.notification n
               SET lease_owner = gen_random_uuid(), lease_until = now() + $1::bigint * interval '1 millisecond'
              FROM (SELECT id, received_at FROM delivery.notification d
                     WHERE completed_at IS NULL AND lease_until <= now() AND %s
                       AND NOT (tenant_id = ANY($3::uuid[]))
                     ORDER BY lease_until LIMIT $2
                     FOR UPDATE SKIP LOCKED) due
             WHERE n.id = due.id AND n.received_at = due.received_at AND %s""".formatted(HotPartitions.bound("d"), HOT) + "\n" + RETURNING;

    /** The finishes of a grouped statement: the row, its fencing token, its ending and the attempt's record. */
    private static final Unnest<Finish> FINISHES = Unnest.<Finish>columns()
            .uuid("id", finish -> finish.notification().id())
            .uuid("owner", finish -> finish.notification().lease())
            .timestamptz("received_at", finish -> utc(finish.notification().receivedAt()))
            .uuid("tenant_id", finish -> finish.notification().tenantId())
            .text("status", finish -> finish.ending().status().text())
            .text("error_detail", finish -> finish.ending().detail())
            .int4(
                    "attempted",
                    finish -> finish.attempt() != null && finish.attempt().sent() ? 1 : 0)
            .text("provider", ofAttempt(attempt -> attempt.provider().text()))
            .uuid("credential_id", ofAttempt(Attempt::credentialId))
            .text("outcome", ofAttempt(attempt -> attempt.outcome().text()))
            .text("error_code", ofAttempt(Attempt::errorCode))
            .float8("latency_ms", ofAttempt(Attempt::latencyMs));

    /** Ends many notifications at once, recording the attempts there were; answers the ones still held. */
    private static final String FINISH_ALL = """
            WITH f AS (SELECT * FROM %s),
            attempt AS (
                INSERT INTO delivery.attempt (notification_id, tenant_id, provider, credential_id, outcome, error_code, latency_ms)
                SELECT id, tenant_id, provider, credential_id, outcome, error_code, latency_ms
                  FROM f WHERE provider IS NOT NULL)
            UPDATE delivery.notification n
               SET status = f.status, completed_at = now(), lease_owner = NULL, attempts = n.attempts + f.attempted,
                   provider = coalesce(f.provider, n.provider), error_code = f.error_code,
                   error_detail = f.error_detail,
                   answered_at = CASE WHEN f.attempted = 1 THEN now() ELSE n.answered_at END
              FROM f
             WHERE n.id = f.id AND n.received_at = f.received_at AND n.lease_owner = f.owner
               AND n.completed_at IS NULL AND %s
            RETURNING n.id, f.owner""".formatted(FINISHES.as("f"), HOT);

    /** Records a transient failure and gives the lease up until the next attempt is due. */
    private static final String RETRY = """
            WITH attempt AS (
                INSERT INTO delivery.attempt (notification_id, tenant_id, provider, credential_id, outcome, error_code, latency_ms)
                VALUES (:id, :tenant_id::uuid, :provider::text, :credential_id::uuid, :outcome::text, :error_code::text,
                        :latency_ms::float8))
            UPDATE delivery.notification n
               SET status = :status, lease_owner = NULL, lease_until = :next_attempt_at::timestamptz,
                   attempts = attempts + :attempted::int, provider = :provider::text, error_code = :error_code::text,
                   error_detail = NULL, answered_at = now()
             WHERE id = :id AND received_at = :received_at AND lease_owner = :owner AND completed_at IS NULL
               AND %s""".formatted(HOT);

    private static final Unnest<Claimed> HELD = Unnest.<Claimed>columns()
            .uuid("id", Claimed::id)
            .timestamptz("received_at", held -> utc(held.receivedAt()))
            .uuid("owner", Claimed::lease);

    /** Gives rows back untouched, each if still held under its token. */
    private static final String RELEASE_ALL = """
            UPDATE delivery.notification n SET lease_until = now(), lease_owner = NULL
              FROM %s
             WHERE n.id = r.id AND n.received_at = r.received_at AND n.lease_owner = r.owner
               AND n.completed_at IS NULL AND %s""".formatted(HELD.as("r"), HOT);

    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DatabaseClient database;
    private final Registrations registrations;
    private final Coalescer<Claimed, Device> devices;
    private final Coalescer<Finish, Boolean> finishes;

    Deliveries(DatabaseClient database, Registrations registrations, DispatchSettings settings) {
        this.database = database;
        this.registrations = registrations;
        Coalescer.Limits limits = new Coalescer.Limits(
                settings.maxBatchSize(),
                settings.maxConcurrentBatches(),
                settings.maxQueued(),
                settings.batchTimeout());
        this.devices = new Coalescer<>(limits, this::devices);
        this.finishes = new Coalescer<>(limits, this::finishAll);
    }

    Mono<Claimed> claim(UUID id, Instant receivedAt, Duration lease) {
        return Mono.defer(() -> {
            // counted from before the statement is sent: never later than the database's own end
            Instant leaseEnds = Instant.now().plus(lease);
            return database.sql(CLAIM)
                    .bind(0, id)
                    .bind(1, lease.toMillis())
                    .bind(2, utc(receivedAt))
                    .map((row, metadata) -> claimed(row, leaseEnds))
                    .one();
        });
    }

    /**
     * Claims up to {@code limit} notifications whose lease ran out, the longest overdue first, leaving
     * {@code skippedTenants}' rows where they are.
     */
    Flux<Claimed> claimOverdue(Duration lease, int limit, Set<UUID> skippedTenants) {
        return Flux.defer(() -> {
            Instant leaseEnds = Instant.now().plus(lease);
            return database.sql(CLAIM_OVERDUE)
                    .bind(0, lease.toMillis())
                    .bind(1, limit)
                    .bind(2, skippedTenants.toArray(UUID[]::new))
                    .map((row, metadata) -> claimed(row, leaseEnds))
                    .all();
        });
    }

    /**
     * Puts the tenant's notification {@code id} back in the outbox if it ended with one of {@code
     * resendable}, leased to this instance for {@code lease}, and audits it as asked by {@code
     * requestedBy}; empty when the tenant has no such notification or it did not end so.
     */
    Mono<Claimed> resend(UUID tenantId, UUID id, List<String> resendable, Duration lease, String requestedBy) {
        return Mono.defer(() -> {
            Instant leaseEnds = Instant.now().plus(lease);
            return database.sql(RESEND)
                    .bind(0, id)
                    .bind(1, tenantId)
                    .bind(2, resendable.toArray(String[]::new))
                    .bind(3, lease.toMillis())
                    .bind(4, requestedBy)
                    .map((row, metadata) -> claimed(row, leaseEnds))
                    .one();
        });
    }

    /** A notification's status, and whether a re-send's fresh window would outlast the hot partitions. */
    record Standing(String status, boolean tooOldToResend) {}

    /** The standing of the tenant's notification {@code id}; empty when the tenant has none such. */
    Mono<Standing> status(UUID tenantId, UUID id) {
        return database.sql("""
                        SELECT n.status, n.received_at + interval '%d hours'
                                         <= now() + c.delivery_window_seconds * interval '1 second' AS too_old
                          FROM delivery.notification n
                          JOIN tenancy.configuration c ON c.id = n.configuration_id
                         WHERE n.id = $1 AND n.tenant_id = $2""".formatted(HotPartitions.WINDOW.toHours()))
                .bind(0, id)
                .bind(1, tenantId)
                .map((row, metadata) ->
                        new Standing(row.get("status", String.class), row.get("too_old", Boolean.class)))
                .one();
    }

    /** Extends the lease before a send; false when it was taken over since (then this holder must not send). */
    Mono<Boolean> renew(Claimed notification, Duration lease) {
        return database.sql("""
                        UPDATE delivery.notification n SET lease_until = now() + $3::bigint * interval '1 millisecond'
                         WHERE id = $1 AND received_at = $4 AND lease_owner = $2 AND completed_at IS NULL
                           AND %s""".formatted(HOT))
                .bind(0, notification.id())
                .bind(1, notification.lease())
                .bind(2, lease.toMillis())
                .bind(3, utc(notification.receivedAt()))
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1);
    }

    /** Gives rows back untouched, each if still held under its token, for any instance to take at once. */
    Mono<Long> releaseAll(List<Claimed> held) {
        return HELD.bind(database.sql(RELEASE_ALL), held).fetch().rowsUpdated();
    }

    /**
     * The device the notification's session is delivered to ({@link Registrations#devicesFor}); empty
     * when it has none. Concurrent look-ups share one statement.
     */
    Mono<Device> device(Claimed notification) {
        return devices.submit(notification);
    }

    /** Each notification's device (null for none) in one statement, in order. */
    Mono<List<Device>> devices(List<Claimed> notifications) {
        return registrations.devicesFor(notifications.stream()
                .map(notification -> new Registrations.Session(
                        notification.tenantId(), notification.configurationId(), notification.sessionId()))
                .toList());
    }

    /**
     * Ends the notification as {@code ending} says, recording its attempt if there was one; false
     * when this instance no longer held the lease (the attempt is recorded all the same: it happened).
     */
    Mono<Boolean> finish(Claimed notification, Ending ending) {
        return finishes.submit(new Finish(notification, ending));
    }

    /**
     * One statement for many finishes. Should the database refuse it as a whole (a deadlock with
     * another instance, a row it rejects), nothing was written, and the finishes go one by one (one
     * refused again answers false: not recorded); any other failure (the database gone) fails them
     * all. A row whose outcome was not recorded is sent again once its lease ends.
     */
    Mono<List<Boolean>> finishAll(List<Finish> batch) {
        return finishTogether(batch).onErrorResume(Deliveries::nothingWritten, error -> {
            log.info(
                    "Finishing {} notifications together was refused, one at a time now: {}",
                    batch.size(),
                    error.toString());
            return Flux.fromIterable(batch)
                    .concatMap(finish -> finishTogether(List.of(finish))
                            .map(mine -> mine.get(0))
                            .onErrorResume(nothingWritten -> {
                                // this one's outcome is not recorded: its row goes out again when its lease ends
                                log.warn(
                                        "The outcome of notification {} was refused: {}",
                                        finish.notification().id(),
                                        nothingWritten.toString());
                                return Mono.just(false);
                            }))
                    .collectList();
        });
    }

    /** Whether the database refused a statement as a whole: SQLSTATE class 22, 23 or 40. */
    private static boolean nothingWritten(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null) {
                String state = r2dbc.getSqlState();
                return state.startsWith("22") || state.startsWith("23") || state.startsWith("40");
            }
        }
        return false;
    }

    /** The finishes of {@code batch} in one statement; whether each row was still held, in order. */
    Mono<List<Boolean>> finishTogether(List<Finish> batch) {
        return FINISHES.bind(database.sql(FINISH_ALL), batch)
                .map((row, metadata) -> new Held(row.get("id", UUID.class), row.get("owner", UUID.class)))
                .all()
                .collect(Collectors.toSet())
                .map(finished -> batch.stream()
                        .map(finish -> finished.contains(new Held(
                                finish.notification().id(),
                                finish.notification().lease())))
                        .toList());
    }

    /** Records a transient failure and gives the lease up until {@code next}, when any instance may try again. */
    Mono<Boolean> retryAt(Claimed notification, Attempt attempt, Instant next) {
        DatabaseClient.GenericExecuteSpec statement = database.sql(RETRY)
                .bind("id", notification.id())
                .bind("received_at", utc(notification.receivedAt()))
                .bind("owner", notification.lease())
                .bind("tenant_id", notification.tenantId())
                .bind("status", NotificationStatus.RETRYING.text())
                .bind("provider", attempt.provider().text())
                .bind("outcome", attempt.outcome().text())
                .bind("latency_ms", attempt.latencyMs())
                .bind("attempted", attempt.sent() ? 1 : 0)
                .bind("next_attempt_at", next.atOffset(ZoneOffset.UTC));
        statement = bind(statement, "credential_id", attempt.credentialId(), UUID.class);
        statement = bind(statement, "error_code", attempt.errorCode(), String.class);
        return statement.fetch().rowsUpdated().map(rows -> rows == 1);
    }

    /** How long the oldest unfinished notification has waited; zero when there is none. */
    Mono<Duration> oldestUnfinishedAge() {
        return database.sql("""
                        SELECT coalesce(extract(epoch FROM now() - min(received_at)), 0)::float8 AS age
                          FROM delivery.notification n WHERE completed_at IS NULL AND %s""".formatted(HOT))
                .map((row, metadata) -> Duration.ofMillis((long) (row.get("age", Double.class) * 1000)))
                .one();
    }

    /** {@code instant} as the driver binds a {@code timestamptz}. */
    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** A column of the finish's attempt: {@code null} for a finish without one. */
    private static <V> Function<Finish, V> ofAttempt(Function<Attempt, V> value) {
        return finish -> finish.attempt() == null ? null : value.apply(finish.attempt());
    }

    private static DatabaseClient.GenericExecuteSpec bind(
            DatabaseClient.GenericExecuteSpec statement, String name, Object value, Class<?> type) {
        return value == null ? statement.bindNull(name, type) : statement.bind(name, value);
    }

    /** The event's fields from its stored JSON object (every value a string, as the inbox stores them). */
    private static Map<String, String> fields(String payload) {
        Map<String, String> fields = new LinkedHashMap<>();
        JSON.readTree(payload)
                .properties()
                .forEach(field -> fields.put(field.getKey(), field.getValue().asString()));
        return fields;
    }

    private static Claimed claimed(io.r2dbc.spi.Readable row, Instant leaseEnds) {
        return new Claimed(
                row.get("id", UUID.class),
                row.get("lease_owner", UUID.class),
                row.get("tenant_id", UUID.class),
                row.get("configuration_id", UUID.class),
                row.get("event_id", String.class),
                row.get("session_id", String.class),
                fields(row.get("payload", String.class)),
                row.get("received_at", OffsetDateTime.class).toInstant(),
                row.get("window_opened", OffsetDateTime.class).toInstant(),
                row.get("attempts", Integer.class),
                leaseEnds);
    }

    /** One notification to end as {@code ending} says, if still held under its fencing token. */
    record Finish(Claimed notification, Ending ending) {

        Attempt attempt() {
            return ending.attempt();
        }
    }

    /** A notification's row as held under the fencing token {@code owner}. */
    private record Held(UUID id, UUID owner) {}

    /**
     * A notification held under the fencing token {@code lease} until {@code leaseEnds} at the latest
     * (counted on this instance's clock from before the lease was taken, so never later than the
     * database's own end of it).
     *
     * @param fields the event's fields, in the order stored
     * @param receivedAt when it was received: with {@code id} its row's primary key (the partition
     *     key), which every write of the row names, so the planner finds the row by its unique key in
     *     each partition whatever it knows of the partition's contents
     * @param windowOpened when its delivery window opened: its receipt, or its last re-send
     */
    record Claimed(
            UUID id,
            UUID lease,
            UUID tenantId,
            UUID configurationId,
            String eventId,
            String sessionId,
            Map<String, String> fields,
            Instant receivedAt,
            Instant windowOpened,
            int attempts,
            Instant leaseEnds) {

        /** The same hold with its lease renewed until {@code newEnd}. */
        Claimed renewedUntil(Instant newEnd) {
            return new Claimed(
                    id,
                    lease,
                    tenantId,
                    configurationId,
                    eventId,
                    sessionId,
                    fields,
                    receivedAt,
                    windowOpened,
                    attempts,
                    newEnd);
        }

        /** A row the inbox has just written, leased to this instance: never attempted yet. */
        static Claimed accepted(NotificationAccepted accepted) {
            return new Claimed(
                    accepted.notificationId(),
                    accepted.lease(),
                    accepted.tenantId(),
                    accepted.configurationId(),
                    accepted.eventId(),
                    accepted.sessionId(),
                    accepted.fields(),
                    accepted.receivedAt(),
                    accepted.receivedAt(),
                    0,
                    accepted.leaseEnds());
        }
    }

    /** One try to send, or (with {@code sent} false) the reason none was possible. */
    record Attempt(
            PushProvider provider,
            UUID credentialId,
            AttemptOutcome outcome,
            String errorCode,
            double latencyMs,
            boolean sent) {}
}
