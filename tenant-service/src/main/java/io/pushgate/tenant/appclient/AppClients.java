package io.pushgate.tenant.appclient;

import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.platform.ApiProblem;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.Fields;
import io.pushgate.tenant.platform.Page;
import io.pushgate.tenant.platform.Randoms;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/app-clients}: the tenant's app clients. The secret (256 random bits) is answered once,
 * at creation, and stored as its SHA-256 (a random 256-bit secret needs no slow hash).
 */
@RestController
@RequestMapping("/v1/app-clients")
class AppClients {

    record NewAppClient(String name) {}

    record CreatedAppClient(String clientId, String clientSecret, String name) {
        @Override
        public String toString() {
            return "CreatedAppClient[clientId=" + clientId + ", name=" + name + "]";
        }
    }

    record AppClientView(String clientId, String name, List<String> scopes, Instant createdAt, UUID id)
            implements Page.Positioned {}

    /** An authenticated client: its tenant and its scopes. */
    record AuthenticatedClient(UUID tenantId, String clientId, List<String> scopes) {}

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AuditLog audit;

    AppClients(DatabaseClient db, TransactionalOperator tx, AuditLog audit) {
        this.db = db;
        this.tx = tx;
        this.audit = audit;
    }

    @PostMapping
    Mono<ResponseEntity<CreatedAppClient>> create(
            @AuthenticationPrincipal Jwt jwt, ServerHttpRequest request, @RequestBody NewAppClient body) {
        Caller caller = Caller.of(jwt, request);
        String name = Fields.text("name", body.name(), 200);
        UUID id = UUID.randomUUID();
        String clientId = "pgc_" + Randoms.base64Url(16);
        String secret = Randoms.base64Url(32);
        return tx.transactional(db.sql("""
                                INSERT INTO tenancy.app_client (id, tenant_id, client_id, name, secret_hash)
                                VALUES (:id, :tenantId, :clientId, :name, :hash)
                                """)
                        .bind("id", id)
                        .bind("tenantId", caller.tenantId())
                        .bind("clientId", clientId)
                        .bind("name", name)
                        .bind("hash", sha256(secret))
                        .fetch()
                        .rowsUpdated()
                        .then(audit.changed(caller, "app-client.create", "app-client:" + clientId)))
                .thenReturn(ResponseEntity.status(HttpStatus.CREATED)
                        .cacheControl(CacheControl.noStore())
                        .body(new CreatedAppClient(clientId, secret, name)));
    }

    @GetMapping
    Mono<Page<AppClientView>> list(
            @AuthenticationPrincipal Jwt jwt,
            ServerHttpRequest request,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        Caller caller = Caller.of(jwt, request);
        return Page.query(
                db,
                "SELECT id, client_id, name, scopes, created_at FROM tenancy.app_client",
                caller.tenantId(),
                cursor,
                limit,
                row -> new AppClientView(
                        row.get("client_id", String.class),
                        row.get("name", String.class),
                        Arrays.asList(row.get("scopes", String.class).split(" ")),
                        row.get("created_at", Instant.class),
                        row.get("id", UUID.class)));
    }

    @DeleteMapping("/{clientId}")
    Mono<ResponseEntity<Void>> delete(
            @AuthenticationPrincipal Jwt jwt, ServerHttpRequest request, @PathVariable String clientId) {
        Caller caller = Caller.of(jwt, request);
        return tx.transactional(db.sql(
                                "DELETE FROM tenancy.app_client WHERE tenant_id = :tenantId AND client_id = :clientId")
                        .bind("tenantId", caller.tenantId())
                        .bind("clientId", clientId)
                        .fetch()
                        .rowsUpdated()
                        .flatMap(deleted -> deleted == 0 ? Mono.error(ApiProblem.notFound("app client")) : Mono.empty())
                        .then(audit.changed(caller, "app-client.delete", "app-client:" + clientId)))
                .thenReturn(ResponseEntity.noContent().build());
    }

    /** The client whose id and secret these are; empty when either is wrong (compared in constant time). */
    Mono<AuthenticatedClient> authenticate(String clientId, String secret) {
        byte[] presented = sha256(secret);
        return db.sql("SELECT tenant_id, secret_hash, scopes FROM tenancy.app_client WHERE client_id = :clientId")
                .bind("clientId", clientId)
                .map(row -> new Object[] {
                    row.get("tenant_id", UUID.class),
                    row.get("secret_hash", byte[].class),
                    row.get("scopes", String.class)
                })
                .one()
                .filter(row -> MessageDigest.isEqual(presented, (byte[]) row[1]))
                .map(row ->
                        new AuthenticatedClient((UUID) row[0], clientId, Arrays.asList(((String) row[2]).split(" "))));
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
