package io.pushgate.tenant.appclient;

import io.pushgate.tenant.audit.AuditAction;
import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.Page;
import io.pushgate.tenant.platform.Randoms;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * A tenant's app clients. The secret (256 random bits) is answered once, at creation, and stored as
 * its SHA-256 (a random 256-bit secret needs no slow hash). Every change runs in one transaction
 * with its audit event; every query is scoped by the caller's tenant.
 */
@Service
class AppClients {

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

    Mono<CreatedAppClient> create(Caller caller, String name) {
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
                        .then(audit.changed(caller, AuditAction.APP_CLIENT_CREATE, "app-client:" + clientId)))
                .thenReturn(new CreatedAppClient(clientId, secret, name));
    }

    Mono<Page<AppClientView>> list(Caller caller, String cursor, Integer limit) {
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

    Mono<Void> delete(Caller caller, String clientId) {
        return tx.transactional(db.sql(
                        "DELETE FROM tenancy.app_client WHERE tenant_id = :tenantId AND client_id = :clientId")
                .bind("tenantId", caller.tenantId())
                .bind("clientId", clientId)
                .fetch()
                .rowsUpdated()
                .flatMap(deleted -> deleted == 0 ? Mono.error(ApiRejected.notFound("app client")) : Mono.empty())
                .then(audit.changed(caller, AuditAction.APP_CLIENT_DELETE, "app-client:" + clientId)));
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
