package io.pushgate.delivery.dispatch;

import io.pushgate.delivery.batching.Coalescer;
import io.pushgate.delivery.notification.NotificationAccepted;
import io.r2dbc.spi.R2dbcException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

    private static final String RETURNING = """
             RETURNING n.id, n.lease_owner, n.tenant_id, n.configuration_id, n.event_id, n.session_id,
                       n.payload::text AS payload, n.received_at, n.attempts""";

    /** Fresh (never claimed) rows, and rows whose lease ran out (a crashed owner, a retry that is due). */
    private static final String CLAIM = """
            UPDATE delivery.notification n
               SET lease_owner = gen_random_uuid(), lease_until = now() + $2::bigint * interval '1 millisecond'
             WHERE n.id = $1 AND n.completed_at IS NULL
               AND (n.lease_until <= now() OR (n.lease_owner IS NULL AND n.attempts = 0))""" + "\n" + RETURNING;

    private static final String CLAIM_OVERDUE = """
            UPDATE delivery.notification n
               SET lease_owner = gen_random_uuid(), lease_until = now() + $1::bigint * interval '1 millisecond'
              FROM (SELECT id FROM delivery.notification
                     WHERE completed_at IS NULL AND lease_until <= now()
                     ORDER BY lease_until LIMIT $2
                     FOR UPDATE SKIP LOCKED) due
             WHERE n.id = due.id""" + "\n" + RETURNING;

    /** Records the attempt of a retry, before the row's own update. */
    private static final String ATTEMPT = """
            WITH attempt AS (
                INSERT INTO delivery.attempt (notification_id, tenant_id, provider, credential_id, outcome, error_code, latency_ms)
                VALUES ($1, $3::uuid, $4::text, $5::uuid, $6::text, $7::text, $8::float8))
            """;

    /**
     * The registration each (tenant, configuration, session) is delivered to, by the asker's position:
     * of its usable ones, one made with a token (an app client's or a trusted issuer's) before any
     * made without (open registration: anyone who knows the session id may make one), then the newest.
     */
    private static final String NEWEST_REGISTRATIONS = """
            SELECT k.ord, r.id, r.device_token, r.platform, r.provider, r.apns_environment, r.app_id
              FROM unnest($1::uuid[], $2::uuid[], $3::text[]) WITH ORDINALITY AS k(tenant_id, configuration_id, session_id, ord)
              JOIN LATERAL (SELECT id, device_token, platform, provider, apns_environment, app_id
                              FROM delivery.registration
                             WHERE tenant_id = k.tenant_id AND configuration_id = k.configuration_id
                               AND session_id = k.session_id AND invalidated_at IS NULL AND expires_at > now()
                             ORDER BY open_registration, updated_at DESC LIMIT 1) r ON true""";

    /**
     * Ends many notifications at once, recording their attempts; answers the ones still held. Empty
     * strings stand for null in the text arrays.
     */
    private static final String FINISH_ALL = """
            WITH f AS (
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[],
                                     $8::float8[], $9::text[], $10::int[], $11::text[])
                    AS f(id, owner, tenant_id, provider, credential_id, outcome, error_code, latency_ms, status, attempted,
                         error_detail)),
            attempt AS (
                INSERT INTO delivery.attempt (notification_id, tenant_id, provider, credential_id, outcome, error_code, latency_ms)
                SELECT id, tenant_id, provider, nullif(credential_id, '')::uuid, outcome, nullif(error_code, ''), latency_ms
                  FROM f WHERE provider <> '')
            UPDATE delivery.notification n
               SET status = f.status, completed_at = now(), lease_owner = NULL, attempts = n.attempts + f.attempted,
                   provider = coalesce(nullif(f.provider, ''), n.provider), error_code = nullif(f.error_code, ''),
                   error_detail = nullif(f.error_detail, ''),
                   answered_at = CASE WHEN f.attempted = 1 THEN now() ELSE n.answered_at END
              FROM f
             WHERE n.id = f.id AND n.lease_owner = f.owner AND n.completed_at IS NULL
            RETURNING n.id, f.owner""";

    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DatabaseClient database;
    private final Coalescer<Claimed, Registration> registrations;
    private final Coalescer<Finish, Boolean> finishes;

    Deliveries(DatabaseClient database, DispatchSettings settings) {
        this.database = database;
        Coalescer.Limits limits = new Coalescer.Limits(
                settings.maxBatchSize(),
                settings.maxConcurrentBatches(),
                settings.maxQueued(),
                settings.batchTimeout());
        this.registrations = new Coalescer<>(limits, this::newestRegistrations);
        this.finishes = new Coalescer<>(limits, this::finishAll);
    }

    Mono<Claimed> claim(UUID id, Duration lease) {
        return Mono.defer(() -> {
            // counted from before the statement is sent: never later than the database's own end
            Instant leaseEnds = Instant.now().plus(lease);
            return database.sql(CLAIM)
                    .bind(0, id)
                    .bind(1, lease.toMillis())
                    .map((row, metadata) -> claimed(row, leaseEnds))
                    .one();
        });
    }

    Flux<Claimed> claimOverdue(Duration lease, int limit) {
        return Flux.defer(() -> {
            Instant leaseEnds = Instant.now().plus(lease);
            return database.sql(CLAIM_OVERDUE)
                    .bind(0, lease.toMillis())
                    .bind(1, limit)
                    .map((row, metadata) -> claimed(row, leaseEnds))
                    .all();
        });
    }

    /** Extends the lease before a send; false when it was taken over since (then this holder must not send). */
    Mono<Boolean> renew(UUID id, UUID owner, Duration lease) {
        return database.sql("""
                        UPDATE delivery.notification SET lease_until = now() + $3::bigint * interval '1 millisecond'
                         WHERE id = $1 AND lease_owner = $2 AND completed_at IS NULL""")
                .bind(0, id)
                .bind(1, owner)
                .bind(2, lease.toMillis())
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1);
    }

    /** Gives rows back untouched, each if still held under its token, for any instance to take at once. */
    Mono<Long> releaseAll(List<UUID> ids, List<UUID> owners) {
        return database.sql("""
                        UPDATE delivery.notification n SET lease_until = now(), lease_owner = NULL
                          FROM unnest($1::uuid[], $2::uuid[]) AS r(id, owner)
                         WHERE n.id = r.id AND n.lease_owner = r.owner AND n.completed_at IS NULL""")
                .bind(0, ids.toArray(UUID[]::new))
                .bind(1, owners.toArray(UUID[]::new))
                .fetch()
                .rowsUpdated();
    }

    /**
     * The newest registration of the notification's session that is neither invalidated nor expired;
     * empty when there is none. Concurrent look-ups share one statement.
     */
    Mono<Registration> newestRegistration(Claimed notification) {
        return registrations.submit(notification);
    }

    /** Each notification's newest usable registration (null for none) in one statement, in order. */
    Mono<List<Registration>> newestRegistrations(List<Claimed> notifications) {
        int size = notifications.size();
        UUID[] tenants = new UUID[size];
        UUID[] configurations = new UUID[size];
        String[] sessions = new String[size];
        for (int i = 0; i < size; i++) {
            Claimed notification = notifications.get(i);
            tenants[i] = notification.tenantId();
            configurations[i] = notification.configurationId();
            sessions[i] = notification.sessionId();
        }
        Registration[] found = new Registration[size];
        return database.sql(NEWEST_REGISTRATIONS)
                .bind(0, tenants)
                .bind(1, configurations)
                .bind(2, sessions)
                .map((row, metadata) -> {
                    found[row.get("ord", Long.class).intValue() - 1] = new Registration(
                            row.get("id", UUID.class),
                            row.get("device_token", String.class),
                            row.get("platform", String.class),
                            row.get("provider", String.class),
                            row.get("apns_environment", String.class),
                            row.get("app_id", String.class));
                    return Boolean.TRUE;
                })
                .all()
                .then(Mono.fromSupplier(() -> Arrays.asList(found)));
    }

    Mono<Long> invalidate(UUID registrationId, String reason) {
        return database.sql("""
                        UPDATE delivery.registration SET invalidated_at = now(), invalidated_reason = $2
                         WHERE id = $1 AND invalidated_at IS NULL""").bind(0, registrationId).bind(1, reason).fetch().rowsUpdated();
    }

    /**
     * Ends the notification with {@code status}, recording {@code attempt} if there was one; false
     * when this instance no longer held the lease (the attempt is recorded all the same: it happened).
     */
    Mono<Boolean> finish(Claimed notification, String status, Attempt attempt, String errorDetail) {
        return finishes.submit(new Finish(notification, status, attempt, errorDetail));
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
        int size = batch.size();
        UUID[] ids = new UUID[size];
        UUID[] owners = new UUID[size];
        UUID[] tenants = new UUID[size];
        String[] providers = new String[size];
        String[] credentials = new String[size];
        String[] outcomes = new String[size];
        String[] errorCodes = new String[size];
        Double[] latencies = new Double[size];
        String[] statuses = new String[size];
        Integer[] attempted = new Integer[size];
        String[] details = new String[size];
        for (int i = 0; i < size; i++) {
            Finish finish = batch.get(i);
            Attempt attempt = finish.attempt();
            ids[i] = finish.notification().id();
            owners[i] = finish.notification().lease();
            tenants[i] = finish.notification().tenantId();
            providers[i] = attempt == null ? "" : attempt.provider();
            credentials[i] = attempt == null || attempt.credentialId() == null
                    ? ""
                    : attempt.credentialId().toString();
            outcomes[i] = attempt == null ? "" : attempt.outcome();
            errorCodes[i] = attempt == null || attempt.errorCode() == null ? "" : attempt.errorCode();
            latencies[i] = attempt == null ? 0.0 : attempt.latencyMs();
            statuses[i] = finish.status();
            attempted[i] = attempt != null && attempt.sent() ? 1 : 0;
            details[i] = finish.errorDetail() == null ? "" : finish.errorDetail();
        }
        return database.sql(FINISH_ALL)
                .bind(0, ids)
                .bind(1, owners)
                .bind(2, tenants)
                .bind(3, providers)
                .bind(4, credentials)
                .bind(5, outcomes)
                .bind(6, errorCodes)
                .bind(7, latencies)
                .bind(8, statuses)
                .bind(9, attempted)
                .bind(10, details)
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
        DatabaseClient.GenericExecuteSpec statement = database.sql(ATTEMPT + """
                        UPDATE delivery.notification
                           SET status = 'retrying', lease_owner = NULL, lease_until = $10::timestamptz,
                               attempts = attempts + $9::int, provider = $4::text, error_code = $7::text,
                               error_detail = NULL, answered_at = now()
                         WHERE id = $1 AND lease_owner = $2 AND completed_at IS NULL""")
                .bind(0, notification.id())
                .bind(1, notification.lease())
                .bind(2, notification.tenantId())
                .bind(3, attempt.provider());
        statement = bind(statement, 4, attempt.credentialId(), UUID.class);
        statement = bind(statement, 5, attempt.outcome(), String.class);
        statement = bind(statement, 6, attempt.errorCode(), String.class);
        return statement
                .bind(7, attempt.latencyMs())
                .bind(8, attempt.sent() ? 1 : 0)
                .bind(9, next.atOffset(ZoneOffset.UTC))
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1);
    }

    /** How long the oldest unfinished notification has waited; zero when there is none. */
    Mono<Duration> oldestUnfinishedAge() {
        return database.sql("""
                        SELECT coalesce(extract(epoch FROM now() - min(received_at)), 0)::float8 AS age
                          FROM delivery.notification WHERE completed_at IS NULL""")
                .map((row, metadata) -> Duration.ofMillis((long) (row.get("age", Double.class) * 1000)))
                .one();
    }

    private static DatabaseClient.GenericExecuteSpec bind(
            DatabaseClient.GenericExecuteSpec statement, int index, Object value, Class<?> type) {
        return value == null ? statement.bindNull(index, type) : statement.bind(index, value);
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
                row.get("attempts", Integer.class),
                leaseEnds);
    }

    /** One notification to end with {@code status}, if still held under its fencing token. */
    record Finish(Claimed notification, String status, Attempt attempt, String errorDetail) {}

    /** A notification's row as held under the fencing token {@code owner}. */
    private record Held(UUID id, UUID owner) {}

    /**
     * A notification held under the fencing token {@code lease} until {@code leaseEnds} at the latest
     * (counted on this instance's clock from before the lease was taken, so never later than the
     * database's own end of it).
     *
     * @param fields the event's fields, in the order stored
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
            int attempts,
            Instant leaseEnds) {

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
                    0,
                    accepted.leaseEnds());
        }
    }

    /**
     * The device a notification goes to.
     *
     * @param apnsEnvironment {@code production} or {@code sandbox} for an APNs registration that says so
     * @param appId the app's bundle id (the APNs topic) when the registration names it
     */
    record Registration(
            UUID id, String deviceToken, String platform, String provider, String apnsEnvironment, String appId) {

        @Override
        public String toString() {
            return "Registration[id=" + id + ", platform=" + platform + ", provider=" + provider + "]";
        }
    }

    /**
     * One try to send, or (with {@code sent} false) the reason none was possible.
     *
     * @param outcome {@code delivered}, {@code token_invalid}, {@code failed} or {@code retry}
     */
    record Attempt(
            String provider, UUID credentialId, String outcome, String errorCode, double latencyMs, boolean sent) {}
}
