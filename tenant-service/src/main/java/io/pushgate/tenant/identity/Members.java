package io.pushgate.tenant.identity;

import io.pushgate.api.problem.ControlPlaneProblem;
import io.pushgate.tenant.audit.AuditAction;
import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Caller;
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
 * The members of tenants, with their password hashes and roles (owner, admin, viewer). A tenant
 * always keeps at least one owner. Every change by a member runs in one transaction with its audit
 * event; every query of a caller is scoped by the caller's tenant.
 */
@Service
class Members {

    private static final String COLUMNS = "id, email, role, created_at";

    record MemberView(UUID id, String email, String role, Instant createdAt) implements Page.Positioned {}

    /** A member as sign-in needs it: its tenant, its password hash and its role. */
    record Member(UUID id, UUID tenantId, String passwordHash, String role) {}

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Passwords passwords;
    private final AuditLog audit;

    Members(DatabaseClient db, TransactionalOperator tx, Passwords passwords, AuditLog audit) {
        this.db = db;
        this.tx = tx;
        this.passwords = passwords;
        this.audit = audit;
    }

    Mono<Page<MemberView>> list(Caller caller, String cursor, Integer limit) {
        return Page.query(
                db, "SELECT " + COLUMNS + " FROM tenancy.member", caller.tenantId(), cursor, limit, Members::view);
    }

    /** Adds a member to the caller's tenant; an e-mail that any tenant has already answers 409. */
    Mono<MemberView> add(Caller caller, String email, String password, String role) {
        UUID id = UUID.randomUUID();
        return passwords
                .hash(password)
                .flatMap(hash -> tx.transactional(insert(id, caller.tenantId(), email, hash, role)
                        .then(audit.changed(caller, AuditAction.MEMBER_ADD, "member:" + id))
                        .then(one(caller.tenantId(), id))))
                .onErrorMap(DuplicateKeyException.class, Accounts::emailTaken);
    }

    Mono<MemberView> changeRole(Caller caller, UUID id, String role) {
        return tx.transactional(keepingAnOwner(caller.tenantId(), id, !role.equals("owner"))
                .then(db.sql("UPDATE tenancy.member SET role = :role WHERE tenant_id = :tenantId AND id = :id")
                        .bind("role", role)
                        .bind("tenantId", caller.tenantId())
                        .bind("id", id)
                        .fetch()
                        .rowsUpdated())
                .then(audit.changed(caller, AuditAction.memberRole(role), "member:" + id))
                .then(one(caller.tenantId(), id)));
    }

    Mono<Void> remove(Caller caller, UUID id) {
        return tx.transactional(keepingAnOwner(caller.tenantId(), id, true)
                .then(db.sql("DELETE FROM tenancy.member WHERE tenant_id = :tenantId AND id = :id")
                        .bind("tenantId", caller.tenantId())
                        .bind("id", id)
                        .fetch()
                        .rowsUpdated())
                .then(audit.changed(caller, AuditAction.MEMBER_REMOVE, "member:" + id)));
    }

    /** Inserts a member (in the caller's transaction, if any); a used e-mail fails with {@link DuplicateKeyException}. */
    Mono<Void> insert(UUID id, UUID tenantId, String email, String passwordHash, String role) {
        return db.sql("""
                        INSERT INTO tenancy.member (id, tenant_id, email, password_hash, role)
                        VALUES (:id, :tenantId, :email, :hash, :role)
                        """)
                .bind("id", id)
                .bind("tenantId", tenantId)
                .bind("email", email)
                .bind("hash", passwordHash)
                .bind("role", role)
                .fetch()
                .rowsUpdated()
                .then();
    }

    /** The member with this (lower-cased) e-mail, of whichever tenant; empty when there is none. */
    Mono<Member> byEmail(String email) {
        return db.sql("SELECT id, tenant_id, password_hash, role FROM tenancy.member WHERE email = :email")
                .bind("email", email)
                .map(row -> new Member(
                        row.get("id", UUID.class),
                        row.get("tenant_id", UUID.class),
                        row.get("password_hash", String.class),
                        row.get("role", String.class)))
                .one();
    }

    /**
     * Locks the tenant, checks the member exists (404 otherwise) and, when it is an owner who stops
     * being one, that another owner remains (409 otherwise).
     */
    private Mono<Void> keepingAnOwner(UUID tenantId, UUID memberId, boolean losesOwnership) {
        return db.sql("SELECT id FROM tenancy.tenant WHERE id = :tenantId FOR UPDATE")
                .bind("tenantId", tenantId)
                .fetch()
                .rowsUpdated()
                .then(db.sql("""
                                SELECT role, (SELECT count(*) FROM tenancy.member o
                                              WHERE o.tenant_id = m.tenant_id AND o.role = 'owner') AS owners
                                FROM tenancy.member m WHERE m.tenant_id = :tenantId AND m.id = :id
                                """)
                        .bind("tenantId", tenantId)
                        .bind("id", memberId)
                        .map(row -> row.get("role", String.class).equals("owner") && row.get("owners", Long.class) <= 1)
                        .one())
                .switchIfEmpty(Mono.error(ApiRejected.notFound("member")))
                .flatMap(lastOwner -> lastOwner && losesOwnership
                        ? Mono.error(new ApiRejected(
                                ControlPlaneProblem.LAST_OWNER,
                                "this member is the tenant's last owner; make another member an owner first"))
                        : Mono.empty());
    }

    private Mono<MemberView> one(UUID tenantId, UUID id) {
        return db.sql("SELECT " + COLUMNS + " FROM tenancy.member WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(Members::view)
                .one()
                .switchIfEmpty(Mono.error(ApiRejected.notFound("member")));
    }

    private static MemberView view(Readable row) {
        return new MemberView(
                row.get("id", UUID.class),
                row.get("email", String.class),
                row.get("role", String.class),
                row.get("created_at", Instant.class));
    }
}
