package io.pushgate.delivery.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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

    /** Records the attempt, if there is one ($4, the provider, is null when there is none). */
    private static final String ATTEMPT = """
            WITH attempt AS (
                INSERT INTO delivery.attempt (notification_id, tenant_id, provider, credential_id, outcome, error_code, latency_ms)
                SELECT $1, $3::uuid, $4::text, $5::uuid, $6::text, $7::text, $8::float8 WHERE $4::text IS NOT NULL)
            """;

    private final DatabaseClient database;

    Deliveries(DatabaseClient database) {
        this.database = database;
    }

    Mono<Claimed> claim(UUID id, Duration lease) {
        return database.sql(CLAIM)
                .bind(0, id)
                .bind(1, lease.toMillis())
                .map((row, metadata) -> claimed(row))
                .one();
    }

    Flux<Claimed> claimOverdue(Duration lease, int limit) {
        return database.sql(CLAIM_OVERDUE)
                .bind(0, lease.toMillis())
                .bind(1, limit)
                .map((row, metadata) -> claimed(row))
                .all();
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

    /** Gives a claimed row back untouched, for any instance to take at once. */
    Mono<Boolean> release(UUID id, UUID owner) {
        return database.sql("""
                        UPDATE delivery.notification SET lease_until = now(), lease_owner = NULL
                         WHERE id = $1 AND lease_owner = $2 AND completed_at IS NULL""")
                .bind(0, id)
                .bind(1, owner)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1);
    }

    /** The newest registration of the session that is neither invalidated nor expired. */
    Mono<Registration> newestRegistration(UUID tenantId, UUID configurationId, String sessionId) {
        return database.sql("""
                        SELECT id, device_token, platform, provider, apns_environment, app_id FROM delivery.registration
                         WHERE tenant_id = $1 AND configuration_id = $2 AND session_id = $3
                           AND invalidated_at IS NULL AND expires_at > now()
                         ORDER BY updated_at DESC LIMIT 1""")
                .bind(0, tenantId)
                .bind(1, configurationId)
                .bind(2, sessionId)
                .map((row, metadata) -> new Registration(
                        row.get("id", UUID.class),
                        row.get("device_token", String.class),
                        row.get("platform", String.class),
                        row.get("provider", String.class),
                        row.get("apns_environment", String.class),
                        row.get("app_id", String.class)))
                .one();
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
    Mono<Boolean> finish(Claimed notification, UUID owner, String status, Attempt attempt, String errorDetail) {
        String update = """
                UPDATE delivery.notification
                   SET status = $9::text, completed_at = now(), lease_owner = NULL,
                       attempts = attempts + $10::int, provider = coalesce($4::text, provider), error_code = $7::text,
                       error_detail = $11::text, answered_at = CASE WHEN $10::int = 1 THEN now() ELSE answered_at END
                 WHERE id = $1 AND lease_owner = $2 AND completed_at IS NULL""";
        return write(notification, owner, attempt, update, status, errorDetail, null);
    }

    /** Records a transient failure and gives the lease up until {@code next}, when any instance may try again. */
    Mono<Boolean> retryAt(Claimed notification, UUID owner, Attempt attempt, Instant next) {
        String update = """
                UPDATE delivery.notification
                   SET status = $9::text, lease_owner = NULL, lease_until = $12::timestamptz,
                       attempts = attempts + $10::int, provider = coalesce($4::text, provider), error_code = $7::text,
                       error_detail = $11::text, answered_at = now()
                 WHERE id = $1 AND lease_owner = $2 AND completed_at IS NULL""";
        return write(notification, owner, attempt, update, "retrying", null, next);
    }

    private Mono<Boolean> write(
            Claimed notification,
            UUID owner,
            Attempt attempt,
            String update,
            String status,
            String errorDetail,
            Instant next) {
        boolean attempted = attempt != null && attempt.sent();
        String sql = ATTEMPT + update;
        DatabaseClient.GenericExecuteSpec statement =
                database.sql(sql).bind(0, notification.id()).bind(1, owner).bind(2, notification.tenantId());
        statement = bind(statement, 3, attempt == null ? null : attempt.provider(), String.class);
        statement = bind(statement, 4, attempt == null ? null : attempt.credentialId(), UUID.class);
        statement = bind(statement, 5, attempt == null ? null : attempt.outcome(), String.class);
        statement = bind(statement, 6, attempt == null ? null : attempt.errorCode(), String.class);
        statement = statement.bind(7, attempt == null ? 0.0 : attempt.latencyMs());
        statement = statement.bind(8, status).bind(9, attempted ? 1 : 0);
        statement = bind(statement, 10, errorDetail, String.class);
        if (next != null) {
            statement = statement.bind(11, next.atOffset(ZoneOffset.UTC));
        }
        return statement.fetch().rowsUpdated().map(rows -> rows == 1);
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

    private static Claimed claimed(io.r2dbc.spi.Readable row) {
        return new Claimed(
                row.get("id", UUID.class),
                row.get("lease_owner", UUID.class),
                row.get("tenant_id", UUID.class),
                row.get("configuration_id", UUID.class),
                row.get("event_id", String.class),
                row.get("session_id", String.class),
                row.get("payload", String.class),
                row.get("received_at", OffsetDateTime.class).toInstant(),
                row.get("attempts", Integer.class),
                Instant.now());
    }

    /** A notification held under the fencing token {@code lease}, since {@code claimedAt}. */
    record Claimed(
            UUID id,
            UUID lease,
            UUID tenantId,
            UUID configurationId,
            String eventId,
            String sessionId,
            String payload,
            Instant receivedAt,
            int attempts,
            Instant claimedAt) {}

    /** The device a notification goes to. */
    /**
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
