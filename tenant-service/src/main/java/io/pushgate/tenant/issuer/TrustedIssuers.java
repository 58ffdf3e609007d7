package io.pushgate.tenant.issuer;

import io.pushgate.api.problem.ControlPlaneProblem;
import io.pushgate.tenant.audit.AuditAction;
import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.ChangeEvents;
import io.pushgate.tenant.platform.Page;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * A tenant's trusted issuers. An issuer + audience pair belongs to one tenant only. Every change
 * runs in one transaction with its audit event and its change notification; every query is scoped
 * by the caller's tenant.
 */
@Service
class TrustedIssuers {

    private static final String COLUMNS = "id, issuer, jwks_uri, audience, created_at";

    record TrustedIssuerView(UUID id, String issuer, String jwksUri, String audience, Instant createdAt)
            implements Page.Positioned {}

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AuditLog audit;
    private final ChangeEvents changes;

    TrustedIssuers(DatabaseClient db, TransactionalOperator tx, AuditLog audit, ChangeEvents changes) {
        this.db = db;
        this.tx = tx;
        this.audit = audit;
        this.changes = changes;
    }

    Mono<TrustedIssuerView> create(Caller caller, String issuer, String jwksUri, String audience) {
        UUID id = UUID.randomUUID();
        return tx.transactional(db.sql("""
                                INSERT INTO tenancy.trusted_issuer (id, tenant_id, issuer, jwks_uri, audience)
                                VALUES (:id, :tenantId, :issuer, :jwksUri, :audience)
                                """)
                        .bind("id", id)
                        .bind("tenantId", caller.tenantId())
                        .bind("issuer", issuer)
                        .bind("jwksUri", jwksUri)
                        .bind("audience", audience)
                        .fetch()
                        .rowsUpdated()
                        .then(changed(caller, id, AuditAction.TRUSTED_ISSUER_CREATE))
                        .then(one(caller.tenantId(), id)))
                .onErrorMap(
                        DuplicateKeyException.class,
                        e -> new ApiRejected(
                                ControlPlaneProblem.TRUSTED_ISSUER_TAKEN,
                                "this issuer and audience are already registered; each pair can be registered once"));
    }

    Mono<Page<TrustedIssuerView>> list(Caller caller, String cursor, Integer limit) {
        return Page.query(
                db,
                "SELECT " + COLUMNS + " FROM tenancy.trusted_issuer",
                caller.tenantId(),
                cursor,
                limit,
                TrustedIssuers::view);
    }

    Mono<Void> delete(Caller caller, UUID id) {
        return tx.transactional(db.sql("DELETE FROM tenancy.trusted_issuer WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", caller.tenantId())
                .bind("id", id)
                .fetch()
                .rowsUpdated()
                .flatMap(deleted -> deleted == 0 ? Mono.error(ApiRejected.notFound("trusted issuer")) : Mono.empty())
                .then(changed(caller, id, AuditAction.TRUSTED_ISSUER_DELETE)));
    }

    private Mono<TrustedIssuerView> one(UUID tenantId, UUID id) {
        return db.sql("SELECT " + COLUMNS + " FROM tenancy.trusted_issuer WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(TrustedIssuers::view)
                .one()
                .switchIfEmpty(Mono.error(ApiRejected.notFound("trusted issuer")));
    }

    private Mono<Void> changed(Caller caller, UUID id, AuditAction action) {
        return audit.changed(caller, action, "trusted-issuer:" + id)
                .then(changes.changed(ChangeEvents.Kind.TRUSTED_ISSUER, id, caller.tenantId()));
    }

    private static TrustedIssuerView view(Readable row) {
        return new TrustedIssuerView(
                row.get("id", UUID.class),
                row.get("issuer", String.class),
                row.get("jwks_uri", String.class),
                row.get("audience", String.class),
                row.get("created_at", Instant.class));
    }
}
