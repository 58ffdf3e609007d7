package io.pushgate.tenant.identity;

import io.pushgate.api.problem.ControlPlaneProblems;
import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.platform.ApiProblem;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.Fields;
import io.pushgate.tenant.platform.Page;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/members}: a tenant's members and their roles (owner, admin, viewer). Changing members
 * needs {@code members.write} (owners); a tenant always keeps at least one owner.
 */
@RestController
class Members {

    private static final Set<String> ROLES = Set.of("owner", "admin", "viewer");

    record MemberView(UUID id, String email, String role, Instant createdAt) implements Page.Positioned {}

    record NewMember(String email, String password, String role) {
        @Override
        public String toString() {
            return "NewMember[email=" + email + ", role=" + role + "]";
        }
    }

    record RoleChange(String role) {}

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Passwords passwords;
    private final Accounts accounts;
    private final AuditLog audit;

    Members(DatabaseClient db, TransactionalOperator tx, Passwords passwords, Accounts accounts, AuditLog audit) {
        this.db = db;
        this.tx = tx;
        this.passwords = passwords;
        this.accounts = accounts;
        this.audit = audit;
    }

    @GetMapping("/v1/members")
    Mono<Page<MemberView>> list(
            @AuthenticationPrincipal Jwt jwt,
            ServerHttpRequest request,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        Caller caller = Caller.of(jwt, request);
        return Page.query(
                db,
                "SELECT id, email, role, created_at FROM tenancy.member",
                caller.tenantId(),
                cursor,
                limit,
                row -> new MemberView(
                        row.get("id", UUID.class),
                        row.get("email", String.class),
                        row.get("role", String.class),
                        row.get("created_at", Instant.class)));
    }

    @PostMapping("/v1/members")
    Mono<ResponseEntity<MemberView>> add(
            @AuthenticationPrincipal Jwt jwt, ServerHttpRequest request, @RequestBody NewMember body) {
        Caller caller = Caller.of(jwt, request);
        String email = Fields.email("email", body.email());
        String role = role(body.role());
        Accounts.checkPassword(body.password(), email);
        UUID id = UUID.randomUUID();
        return passwords
                .hash(body.password())
                .flatMap(hash -> tx.transactional(accounts.insertMember(id, caller.tenantId(), email, hash, role)
                        .then(audit.changed(caller, "member.add", "member:" + id))
                        .then(one(caller.tenantId(), id))))
                .onErrorMap(DuplicateKeyException.class, Accounts::emailTaken)
                .map(member -> ResponseEntity.status(HttpStatus.CREATED).body(member));
    }

    @PatchMapping("/v1/members/{id}")
    Mono<MemberView> changeRole(
            @AuthenticationPrincipal Jwt jwt,
            ServerHttpRequest request,
            @PathVariable String id,
            @RequestBody RoleChange body) {
        Caller caller = Caller.of(jwt, request);
        UUID memberId = Fields.pathId(id, "member");
        String role = role(body.role());
        return tx.transactional(keepingAnOwner(caller.tenantId(), memberId, !role.equals("owner"))
                .then(db.sql("UPDATE tenancy.member SET role = :role WHERE tenant_id = :tenantId AND id = :id")
                        .bind("role", role)
                        .bind("tenantId", caller.tenantId())
                        .bind("id", memberId)
                        .fetch()
                        .rowsUpdated())
                .then(audit.changed(caller, "member.role." + role, "member:" + memberId))
                .then(one(caller.tenantId(), memberId)));
    }

    @DeleteMapping("/v1/members/{id}")
    Mono<ResponseEntity<Void>> remove(
            @AuthenticationPrincipal Jwt jwt, ServerHttpRequest request, @PathVariable String id) {
        Caller caller = Caller.of(jwt, request);
        UUID memberId = Fields.pathId(id, "member");
        return tx.transactional(keepingAnOwner(caller.tenantId(), memberId, true)
                        .then(db.sql("DELETE FROM tenancy.member WHERE tenant_id = :tenantId AND id = :id")
                                .bind("tenantId", caller.tenantId())
                                .bind("id", memberId)
                                .fetch()
                                .rowsUpdated())
                        .then(audit.changed(caller, "member.remove", "member:" + memberId)))
                .thenReturn(ResponseEntity.noContent().build());
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
                .switchIfEmpty(Mono.error(ApiProblem.notFound("member")))
                .flatMap(lastOwner -> lastOwner && losesOwnership
                        ? Mono.error(ApiProblem.of(
                                ControlPlaneProblems.LAST_OWNER,
                                "this member is the tenant's last owner; make another member an owner first"))
                        : Mono.empty());
    }

    private Mono<MemberView> one(UUID tenantId, UUID id) {
        return db.sql("SELECT id, email, role, created_at FROM tenancy.member WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(row -> new MemberView(
                        row.get("id", UUID.class),
                        row.get("email", String.class),
                        row.get("role", String.class),
                        row.get("created_at", Instant.class)))
                .one()
                .switchIfEmpty(Mono.error(ApiProblem.notFound("member")));
    }

    private static String role(String role) {
        if (role == null || !ROLES.contains(role)) {
            throw ApiProblem.invalidField("role", "must be one of owner, admin, viewer");
        }
        return role;
    }
}
