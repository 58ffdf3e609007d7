package io.pushgate.tenant.plan;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pushgate.api.Plan;
import io.pushgate.tenant.audit.AuditAction;
import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.ChangeEvents;
import io.r2dbc.spi.Readable;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Tenants' plans ({@code tenancy.plan}). A tenant without a row has {@link Plan#DEFAULT} at version
 * 0; the operator's first change writes version 1 and each later one adds 1, in one transaction with
 * its audit event (actor {@value #OPERATOR}) and its change notification.
 */
@Service
class Plans {

    /** The audit log's actor for the platform operator. */
    static final String OPERATOR = "operator";

    private static final String COLUMNS = "callbacks_per_second, callback_burst, registrations_per_second,"
            + " api_calls_per_second, deliveries_per_second_per_credential, retention_days, version, updated_at";

    /**
     * A tenant's plan as the API shows it.
     *
     * @param retentionDays how many days delivery-service keeps the tenant's notifications: the plan's
     *     own, or the platform's retention ({@code pushgate.retention.notifications}) when the plan
     *     does not shorten it
     * @param version 0 for the default plan, then one more with each change
     * @param updatedAt when the operator last changed it, {@code null} for the default plan
     */
    record PlanView(
            long callbacksPerSecond,
            long callbackBurst,
            long registrationsPerSecond,
            long apiCallsPerSecond,
            long deliveriesPerSecondPerCredential,
            int retentionDays,
            long version,
            Instant updatedAt) {

        static PlanView of(Plan plan, int retentionDays, long version, Instant updatedAt) {
            return new PlanView(
                    plan.callbacksPerSecond(),
                    plan.callbackBurst(),
                    plan.registrationsPerSecond(),
                    plan.apiCallsPerSecond(),
                    plan.deliveriesPerSecondPerCredential(),
                    retentionDays,
                    version,
                    updatedAt);
        }
    }

    /**
     * How long the control-plane limit uses a plan it read: a change made on another instance applies
     * here at most this much later (on the instance that made it, at once).
     */
    static final Duration REREAD_AFTER = Duration.ofSeconds(1);

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AuditLog audit;
    private final ChangeEvents changes;
    private final AsyncCache<UUID, PlanView> recent;
    private final RetentionSettings retention;

    Plans(
            DatabaseClient db,
            TransactionalOperator tx,
            AuditLog audit,
            ChangeEvents changes,
            RetentionSettings retention) {
        this.db = db;
        this.retention = retention;
        this.tx = tx;
        this.audit = audit;
        this.changes = changes;
        this.recent = Caffeine.newBuilder()
                .expireAfterWrite(REREAD_AFTER)
                .maximumSize(100_000)
                .buildAsync();
    }

    /** The plan of {@code tenantId}: its row, or the default plan. */
    Mono<PlanView> of(UUID tenantId) {
        return db.sql("SELECT " + COLUMNS + " FROM tenancy.plan WHERE tenant_id = :tenantId")
                .bind("tenantId", tenantId)
                .map(this::view)
                .one()
                .defaultIfEmpty(PlanView.of(Plan.DEFAULT, retention.maxDays(), 0, null));
    }

    /**
     * The plan of {@code tenantId} as read at most {@link #REREAD_AFTER} ago, for the limit every
     * control-plane call takes: a tenant flooding the API costs the database one read a second, not
     * one a call. Fails with the database's error when it cannot be read (not remembered).
     */
    Mono<PlanView> recent(UUID tenantId) {
        return Mono.fromFuture(recent.get(tenantId, (key, executor) -> of(key).toFuture()), true);
    }

    /** The most days a plan may keep a tenant's notifications: the platform's retention. */
    int maxRetentionDays() {
        return retention.maxDays();
    }

    /**
     * Gives {@code tenantId} the plan {@code plan}, keeping its notifications {@code retentionDays}
     * ({@code null}: the platform's retention), the next version; 404 when there is no such tenant.
     */
    Mono<PlanView> replace(UUID tenantId, Plan plan, Integer retentionDays, String sourceIp) {
        DatabaseClient.GenericExecuteSpec upsert = db.sql("""
                        INSERT INTO tenancy.plan (tenant_id, callbacks_per_second, callback_burst,
                            registrations_per_second, api_calls_per_second, deliveries_per_second_per_credential,
                            retention_days, version)
                        SELECT id, :callbacksPerSecond, :callbackBurst, :registrationsPerSecond,
                            :apiCallsPerSecond, :deliveriesPerSecondPerCredential, :retentionDays, 1
                        FROM tenancy.tenant WHERE id = :tenantId
                        ON CONFLICT (tenant_id) DO UPDATE SET
                            callbacks_per_second = excluded.callbacks_per_second,
                            callback_burst = excluded.callback_burst,
                            registrations_per_second = excluded.registrations_per_second,
                            api_calls_per_second = excluded.api_calls_per_second,
                            deliveries_per_second_per_credential = excluded.deliveries_per_second_per_credential,
                            retention_days = excluded.retention_days,
                            version = tenancy.plan.version + 1,
                            updated_at = now()
                        RETURNING\s""" + COLUMNS);
        upsert = retentionDays == null
                ? upsert.bindNull("retentionDays", Integer.class)
                : upsert.bind("retentionDays", retentionDays);
        return tx.transactional(upsert.bind("tenantId", tenantId)
                        .bind("callbacksPerSecond", plan.callbacksPerSecond())
                        .bind("callbackBurst", plan.callbackBurst())
                        .bind("registrationsPerSecond", plan.registrationsPerSecond())
                        .bind("apiCallsPerSecond", plan.apiCallsPerSecond())
                        .bind("deliveriesPerSecondPerCredential", plan.deliveriesPerSecondPerCredential())
                        .map(this::view)
                        .one()
                        .switchIfEmpty(Mono.error(() -> ApiRejected.notFound("tenant")))
                        .flatMap(view -> audit.append(
                                        tenantId,
                                        OPERATOR,
                                        AuditAction.PLAN_UPDATE,
                                        "plan:v" + view.version(),
                                        sourceIp,
                                        true)
                                .then(changes.changed(ChangeEvents.Kind.PLAN, tenantId, tenantId))
                                .thenReturn(view)))
                .doOnSuccess(view -> recent.synchronous().invalidate(tenantId));
    }

    private PlanView view(Readable row) {
        Integer retentionDays = row.get("retention_days", Integer.class);
        return PlanView.of(
                new Plan(
                        row.get("callbacks_per_second", Long.class),
                        row.get("callback_burst", Long.class),
                        row.get("registrations_per_second", Long.class),
                        row.get("api_calls_per_second", Long.class),
                        row.get("deliveries_per_second_per_credential", Long.class)),
                retentionDays == null ? retention.maxDays() : Math.min(retentionDays, retention.maxDays()),
                row.get("version", Long.class),
                row.get("updated_at", Instant.class));
    }
}
