package io.pushgate.delivery.registration;

import io.pushgate.delivery.batching.Unnest;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.RowMetadata;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * The tenant-scoped store of device registrations ({@code delivery.registration}). Every query is
 * bound to a tenant taken from the caller's token, or (for open registration, without a token) to
 * rows registered openly on a configuration that is open now. A device token is registered once per
 * tenant: registering it again updates it; registering a session again with another token
 * supersedes the session's older registrations (the newest wins), except that a registration made
 * without a token never retires, nor outranks, one made with a token. Expired registrations are never
 * answered.
 */
@Service
public class Registrations {

    /** {@code invalidated_reason} of a registration that a newer one of the same session replaced. */
    public static final String SUPERSEDED = "superseded";

    private static final int MAX_SEARCH_RESULTS = 100;

    private static final String COLUMNS = """
            r.id, r.tenant_id, r.configuration_id, c.axp_configuration_id, r.device_token, r.session_id,
            r.customer_id, r.platform, r.provider, r.apns_environment, r.app_id, r.open_registration,
            r.created_at, r.updated_at, r.expires_at, r.invalidated_at, r.invalidated_reason""";

    /** The sessions of a grouped look-up, in the asker's order. */
    private static final Unnest<Session> SESSIONS = Unnest.<Session>columns()
            .uuid("tenant_id", Session::tenantId)
            .uuid("configuration_id", Session::configurationId)
            .text("session_id", Session::sessionId);

    /**
     * The registration each session is delivered to, by the session's position: of its usable ones,
     * one made with a token (an app client's or a trusted issuer's) before any made without (open
     * registration: anyone who knows the session id may make one), then the newest.
     */
    private static final String NEWEST_FOR_SESSIONS = """
            SELECT k.ord, r.id, r.device_token, r.platform, r.provider, r.apns_environment, r.app_id
              FROM %s
              JOIN LATERAL (SELECT id, device_token, platform, provider, apns_environment, app_id
                              FROM delivery.registration
                             WHERE tenant_id = k.tenant_id AND configuration_id = k.configuration_id
                               AND session_id = k.session_id AND invalidated_at IS NULL AND expires_at > now()
                             ORDER BY open_registration, updated_at DESC LIMIT 1) r ON true""".formatted(SESSIONS.asNumbered("k", "ord"));

    /**
     * Of a registration {@code r} deleted or invalidated, {@code counted}: whether the count of active
     * registrations held it (not invalidated, and expiring after the time up to which expiries have been
     * subtracted from the counts).
     */
    private static final String COUNTED =
            "r.invalidated_at IS NULL AND r.expires_at > " + ActiveRegistrations.EXPIRED_THROUGH + " AS counted";

    private final DatabaseClient database;
    private final RegistrationSettings settings;
    private final ActiveRegistrations active;

    Registrations(DatabaseClient database, RegistrationSettings settings, ActiveRegistrations active) {
        this.database = database;
        this.settings = settings;
        this.active = active;
    }

    /**
     * Registers {@code request} for the tenant's configuration {@code configurationId}; empty when an
     * open (unauthenticated) registration would overwrite one made with a token.
     */
    Mono<Registration> register(UUID tenantId, UUID configurationId, RegistrationRequest request, boolean open) {
        DatabaseClient.GenericExecuteSpec insert = database.sql("""
                        WITH previous AS (
                            -- the registration this one replaces, as the statement began (not locked: two
                            -- writes of one token at the same moment may both count it, until a recount),
                            -- and whether the count of active registrations holds it
                            SELECT p.configuration_id,
                                   p.invalidated_at IS NULL AND p.expires_at > %1$s AS counted
                              FROM delivery.registration p
                             WHERE p.tenant_id = $2 AND p.device_token = $4
                        ), upserted AS (
                            INSERT INTO delivery.registration AS r (id, tenant_id, configuration_id, device_token,
                                session_id, customer_id, platform, provider, apns_environment, app_id,
                                open_registration, created_at, updated_at, last_seen_at, expires_at)
                            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now(), now(), now(),
                                now() + $12 * interval '1 second')
                            ON CONFLICT (tenant_id, device_token) DO UPDATE SET
                                configuration_id = EXCLUDED.configuration_id,
                                session_id = EXCLUDED.session_id,
                                customer_id = EXCLUDED.customer_id,
                                platform = EXCLUDED.platform,
                                provider = EXCLUDED.provider,
                                apns_environment = EXCLUDED.apns_environment,
                                app_id = EXCLUDED.app_id,
                                open_registration = EXCLUDED.open_registration,
                                updated_at = now(),
                                last_seen_at = now(),
                                expires_at = EXCLUDED.expires_at,
                                invalidated_at = NULL,
                                invalidated_reason = NULL
                            -- without a token, a registration made with one is not taken over
                            WHERE r.open_registration OR NOT EXCLUDED.open_registration
                            RETURNING r.id, r.created_at, r.updated_at, r.expires_at
                        ), superseded AS (
                            UPDATE delivery.registration o
                            SET invalidated_at = now(), invalidated_reason = $13
                            FROM upserted u
                            WHERE o.tenant_id = $2 AND o.configuration_id = $3 AND o.session_id = $5
                              AND o.id <> u.id AND o.invalidated_at IS NULL
                              -- without a token, only registrations made without one are retired
                              AND (o.open_registration OR NOT $11)
                            RETURNING o.expires_at > %1$s AS counted
                        )
                        SELECT id, created_at, updated_at, expires_at,
                               (SELECT configuration_id FROM previous WHERE counted) AS counted_before_in,
                               (SELECT count(*) FROM superseded WHERE counted) AS superseded_counted
                          FROM upserted""".formatted(ActiveRegistrations.EXPIRED_THROUGH))
                .bind(0, UUID.randomUUID())
                .bind(1, tenantId)
                .bind(2, configurationId)
                .bind(3, request.deviceToken())
                .bind(4, request.sessionId());
        insert = bindNullable(insert, 5, request.customerId())
                .bind(6, request.platform().text())
                .bind(7, request.provider().text());
        insert = bindNullable(insert, 8, request.apnsEnvironment());
        insert = bindNullable(insert, 9, request.appId());
        return insert.bind(10, open)
                .bind(11, settings.idleExpiry().toSeconds())
                .bind(12, SUPERSEDED)
                .map((row, metadata) -> {
                    // counted now; no longer counted where it was, nor the session's registrations it retired
                    active.changed(tenantId, configurationId, 1 - row.get("superseded_counted", Long.class));
                    UUID countedBefore = row.get("counted_before_in", UUID.class);
                    if (countedBefore != null) {
                        active.changed(tenantId, countedBefore, -1);
                    }
                    return new Registration(
                            row.get("id", UUID.class),
                            tenantId,
                            configurationId,
                            request.configId(),
                            request.deviceToken(),
                            request.sessionId(),
                            request.customerId(),
                            request.platform(),
                            request.provider(),
                            request.apnsEnvironment(),
                            request.appId(),
                            open,
                            instant(row, "created_at"),
                            instant(row, "updated_at"),
                            instant(row, "expires_at"),
                            null,
                            null);
                })
                .one()
                .timeout(settings.timeout());
    }

    /** The tenant's registration of {@code deviceToken}, invalidated or not, unless it expired. */
    public Mono<Registration> find(UUID tenantId, String deviceToken) {
        return database.sql(select("r.tenant_id = $1 AND r.device_token = $2 AND r.expires_at > now()"))
                .bind(0, tenantId)
                .bind(1, deviceToken)
                .map(Registrations::registration)
                .one()
                .timeout(settings.timeout());
    }

    /** The newest open registration of {@code deviceToken} on a configuration that is open now. */
    Mono<Registration> findOpen(String deviceToken) {
        return database.sql(select("""
                        r.device_token = $1 AND r.open_registration AND r.expires_at > now()
                          AND c.open_registration AND c.enabled
                        ORDER BY r.updated_at DESC LIMIT 1"""))
                .bind(0, deviceToken)
                .map(Registrations::registration)
                .one()
                .timeout(settings.timeout());
    }

    /** Deletes the tenant's registration of {@code deviceToken}; whether there was one. */
    Mono<Boolean> delete(UUID tenantId, String deviceToken) {
        return database.sql("""
                        DELETE FROM delivery.registration r
                        WHERE r.tenant_id = $1 AND r.device_token = $2 AND r.expires_at > now()
                        RETURNING r.tenant_id, r.configuration_id, %s""".formatted(COUNTED))
                .bind(0, tenantId)
                .bind(1, deviceToken)
                .map(this::uncount)
                .all()
                .hasElements()
                .timeout(settings.timeout());
    }

    /** Deletes the open registrations of {@code deviceToken} on configurations open now; whether there was one. */
    Mono<Boolean> deleteOpen(String deviceToken) {
        return database.sql("""
                        DELETE FROM delivery.registration r USING tenancy.configuration c
                        WHERE c.id = r.configuration_id AND r.device_token = $1 AND r.open_registration
                          AND r.expires_at > now() AND c.open_registration AND c.enabled
                        RETURNING r.tenant_id, r.configuration_id, %s""".formatted(COUNTED))
                .bind(0, deviceToken)
                .map(this::uncount)
                .all()
                .hasElements()
                .timeout(settings.timeout());
    }

    /**
     * The tenant's active registrations of a session or of a customer: those made with a token first,
     * then those made without, each newest first — for a session, the first is the one delivery uses.
     */
    public Mono<List<Registration>> search(UUID tenantId, String sessionId, String customerId) {
        String column = sessionId != null ? "r.session_id" : "r.customer_id";
        return database.sql(select("r.tenant_id = $1 AND " + column
                        + " = $2 AND r.invalidated_at IS NULL AND r.expires_at > now()"
                        + " ORDER BY r.open_registration, r.updated_at DESC LIMIT " + MAX_SEARCH_RESULTS))
                .bind(0, tenantId)
                .bind(1, sessionId != null ? sessionId : customerId)
                .map(Registrations::registration)
                .all()
                .collectList()
                .timeout(settings.timeout());
    }

    /** The active open registrations of a session on configurations open now, newest first. */
    Mono<List<Registration>> searchOpen(String sessionId) {
        return database.sql(select("""
                        r.session_id = $1 AND r.open_registration AND r.invalidated_at IS NULL
                          AND r.expires_at > now() AND c.open_registration AND c.enabled
                        ORDER BY r.updated_at DESC LIMIT\s""" + MAX_SEARCH_RESULTS))
                .bind(0, sessionId)
                .map(Registrations::registration)
                .all()
                .collectList()
                .timeout(settings.timeout());
    }

    /**
     * The device each session is delivered to: of its registrations that are neither invalidated nor
     * expired, one made with a token before any made without, then the newest ({@code null} for a
     * session without one); in one statement, in the sessions' order.
     */
    public Mono<List<Device>> devicesFor(List<Session> sessions) {
        Device[] found = new Device[sessions.size()];
        return SESSIONS.bind(database.sql(NEWEST_FOR_SESSIONS), sessions)
                .map((row, metadata) -> {
                    found[row.get("ord", Long.class).intValue() - 1] = new Device(
                            row.get("id", UUID.class),
                            row.get("device_token", String.class),
                            DevicePlatform.of(row.get("platform", String.class)).orElseThrow(),
                            PushProvider.of(row.get("provider", String.class)).orElseThrow(),
                            row.get("apns_environment", String.class),
                            row.get("app_id", String.class));
                    return Boolean.TRUE;
                })
                .all()
                .then(Mono.fromSupplier(() -> Arrays.asList(found)));
    }

    /**
     * Invalidates the registration {@code registrationId} (its token is dead: {@code reason} is the
     * provider's word); how many rows changed (none when it was invalidated already).
     */
    public Mono<Long> invalidate(UUID registrationId, String reason) {
        return database.sql("""
                        UPDATE delivery.registration SET invalidated_at = now(), invalidated_reason = $2
                         WHERE id = $1 AND invalidated_at IS NULL
                        RETURNING tenant_id, configuration_id, expires_at > %s AS counted""".formatted(ActiveRegistrations.EXPIRED_THROUGH))
                .bind(0, registrationId)
                .bind(1, reason)
                .map(this::uncount)
                .all()
                .count();
    }

    /**
     * Deletes the registrations that expired, or were invalidated, longer than {@code
     * pushgate.registration.retention} before {@code now}, a thousand a statement (each its own short
     * transaction); how many. Each condition is walked in its own index's order (expiry, then
     * invalidation), each batch starting where the last one ended, so that a batch reads about as many
     * entries as it deletes rather than the dead entries of every batch before it, which vacuum has
     * not removed yet (docs/PERFORMANCE.md, "The 50-million-row data set"). Maintenance runs it, one
     * instance at a time.
     */
    public Mono<Long> deleteStale(Instant now) {
        OffsetDateTime cutoff = now.minus(settings.retention()).atOffset(ZoneOffset.UTC);
        // an expired registration not yet subtracted from the count of active ones stays until it is
        // (it would be counted for ever): only when expiries have not been subtracted for the retention
        return deleteOlder("expires_at", "AND expires_at <= " + ActiveRegistrations.EXPIRED_THROUGH, cutoff)
                .flatMap(
                        expired -> deleteOlder("invalidated_at", "", cutoff).map(invalidated -> expired + invalidated));
    }

    private record Batch(long deleted, OffsetDateTime last) {}

    /**
     * The registrations whose {@code column} (an indexed time) is before {@code cutoff}, and that meet
     * {@code and} (SQL), batch by batch.
     */
    private Mono<Long> deleteOlder(String column, String and, OffsetDateTime cutoff) {
        String sql = """
                WITH gone AS (
                    DELETE FROM delivery.registration WHERE id IN (
                        SELECT id FROM delivery.registration
                         WHERE %1$s >= $1 AND %1$s < $2 %2$s ORDER BY %1$s LIMIT 1000)
                    RETURNING %1$s)
                SELECT count(*) AS deleted, max(%1$s) AS last FROM gone""".formatted(column, and);
        OffsetDateTime start = OffsetDateTime.parse("1970-01-01T00:00:00Z");
        Function<OffsetDateTime, Mono<Batch>> batch = from -> database.sql(sql)
                .bind(0, from)
                .bind(1, cutoff)
                .map((row, metadata) ->
                        new Batch(row.get("deleted", Long.class), row.get("last", OffsetDateTime.class)))
                .one();
        return batch.apply(start)
                .expand(done -> done.deleted() < 1000 ? Mono.empty() : batch.apply(done.last()))
                .map(Batch::deleted)
                .reduce(0L, Long::sum);
    }

    /** A registration deleted or invalidated: −1 for its configuration's count, where the count held it. */
    private Boolean uncount(Readable row, RowMetadata metadata) {
        if (Boolean.TRUE.equals(row.get("counted", Boolean.class))) {
            active.changed(row.get("tenant_id", UUID.class), row.get("configuration_id", UUID.class), -1);
        }
        return Boolean.TRUE;
    }

    /** An AXP session of a tenant's configuration, whose newest registration a notification goes to. */
    public record Session(UUID tenantId, UUID configurationId, String sessionId) {}

    /** A query of registrations with their AXP Configuration Id (configurations deleted since are not found). */
    private static String select(String where) {
        return "SELECT " + COLUMNS
                + " FROM delivery.registration r JOIN tenancy.configuration c ON c.id = r.configuration_id WHERE "
                + where;
    }

    private static Registration registration(Readable row) {
        return new Registration(
                row.get("id", UUID.class),
                row.get("tenant_id", UUID.class),
                row.get("configuration_id", UUID.class),
                row.get("axp_configuration_id", String.class),
                row.get("device_token", String.class),
                row.get("session_id", String.class),
                row.get("customer_id", String.class),
                DevicePlatform.of(row.get("platform", String.class)).orElseThrow(),
                PushProvider.of(row.get("provider", String.class)).orElseThrow(),
                row.get("apns_environment", String.class),
                row.get("app_id", String.class),
                Boolean.TRUE.equals(row.get("open_registration", Boolean.class)),
                instant(row, "created_at"),
                instant(row, "updated_at"),
                instant(row, "expires_at"),
                instant(row, "invalidated_at"),
                row.get("invalidated_reason", String.class));
    }

    private static Instant instant(Readable row, String column) {
        OffsetDateTime value = row.get(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static DatabaseClient.GenericExecuteSpec bindNullable(
            DatabaseClient.GenericExecuteSpec spec, int index, String value) {
        return value == null ? spec.bindNull(index, String.class) : spec.bind(index, value);
    }
}
