package io.pushgate.tenant.audit;

import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.Sql;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Appends audit events. Callers pass names and ids only, never secret values; a change records its
 * event in the change's own transaction, so that there is no change without its record.
 */
@Component
public class AuditLog {

    private final DatabaseClient db;

    AuditLog(DatabaseClient db) {
        this.db = db;
    }

    /** A successful change by {@code caller}: {@code action} on {@code target} (e.g. {@code configuration:<id>}). */
    public Mono<Void> changed(Caller caller, AuditAction action, String target) {
        return append(caller.tenantId(), caller.actor(), action, target, caller.sourceIp(), true);
    }

    /** An event of any outcome; {@code tenantId} may be null (a sign-in with an unknown e-mail). */
    public Mono<Void> append(
            UUID tenantId, String actor, AuditAction action, String target, String sourceIp, boolean success) {
        return db.sql("""
                        INSERT INTO tenancy.audit_event (tenant_id, actor, action, target, source_ip, outcome)
                        VALUES (:tenantId, :actor, :action, :target, :sourceIp, :outcome)
                        """)
                .bind("tenantId", Sql.nullable(tenantId, UUID.class))
                .bind("actor", actor)
                .bind("action", action.text())
                .bind("target", Sql.nullable(target, String.class))
                .bind("sourceIp", Sql.nullable(sourceIp, String.class))
                .bind("outcome", success ? "success" : "failure")
                .fetch()
                .rowsUpdated()
                .then();
    }
}
