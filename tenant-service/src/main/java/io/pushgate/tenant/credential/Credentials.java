package io.pushgate.tenant.credential;

import io.pushgate.api.secret.SecretCipher;
import io.pushgate.tenant.audit.AuditAction;
import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.ChangeEvents;
import io.pushgate.tenant.platform.Page;
import io.pushgate.tenant.platform.Sql;
import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * A tenant's provider credentials: the material sealed with the credential's id, only its metadata
 * and fingerprint readable. Every change runs in one transaction with its audit event and its
 * change notification; every query is scoped by the caller's tenant.
 */
@Service
public class Credentials {

    private static final String COLUMNS =
            "id, type, name, metadata::text AS metadata, fingerprint, created_at, updated_at";

    record CredentialView(
            UUID id,
            String type,
            String name,
            String fingerprint,
            Map<String, String> metadata,
            Instant createdAt,
            Instant updatedAt)
            implements Page.Positioned {}

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final SecretCipher cipher;
    private final AuditLog audit;
    private final ChangeEvents changes;
    private final ObjectMapper json;

    Credentials(
            DatabaseClient db,
            TransactionalOperator tx,
            SecretCipher cipher,
            AuditLog audit,
            ChangeEvents changes,
            ObjectMapper json) {
        this.db = db;
        this.tx = tx;
        this.cipher = cipher;
        this.audit = audit;
        this.changes = changes;
        this.json = json;
    }

    Mono<CredentialView> create(Caller caller, String name, CredentialMaterial material) {
        UUID id = UUID.randomUUID();
        return tx.transactional(db.sql("""
                        INSERT INTO tenancy.credential (id, tenant_id, type, name, metadata, fingerprint, material_ciphertext)
                        VALUES (:id, :tenantId, :type, :name, CAST(:metadata AS jsonb), :fingerprint, :material)
                        """)
                .bind("id", id)
                .bind("tenantId", caller.tenantId())
                .bind("type", material.type().text())
                .bind("name", name)
                .bind("metadata", json.writeValueAsString(material.metadata()))
                .bind("fingerprint", material.fingerprint())
                .bind("material", sealed(material, caller.tenantId(), id))
                .fetch()
                .rowsUpdated()
                .then(changed(caller, id, AuditAction.CREDENTIAL_CREATE))
                .then(one(caller.tenantId(), id)));
    }

    Mono<Page<CredentialView>> list(Caller caller, String cursor, Integer limit) {
        return Page.query(
                db, "SELECT " + COLUMNS + " FROM tenancy.credential", caller.tenantId(), cursor, limit, this::view);
    }

    Mono<CredentialView> one(UUID tenantId, UUID id) {
        return db.sql("SELECT " + COLUMNS + " FROM tenancy.credential WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(this::view)
                .one()
                .switchIfEmpty(Mono.error(ApiRejected.notFound("credential")));
    }

    /** Replaces the material (and the name): the type stays what it was. */
    Mono<CredentialView> replace(Caller caller, UUID id, String name, CredentialMaterial material) {
        return one(caller.tenantId(), id)
                .flatMap(existing -> existing.type().equals(material.type().text())
                        ? Mono.empty()
                        : Mono.error(ApiRejected.invalidField(
                                "type", "must stay " + existing.type() + "; create a new credential for another type")))
                .then(tx.transactional(db.sql("""
                                UPDATE tenancy.credential
                                SET name = :name, metadata = CAST(:metadata AS jsonb), fingerprint = :fingerprint,
                                    material_ciphertext = :material, updated_at = now()
                                WHERE tenant_id = :tenantId AND id = :id
                                """)
                        .bind("name", name)
                        .bind("metadata", json.writeValueAsString(material.metadata()))
                        .bind("fingerprint", material.fingerprint())
                        .bind("material", sealed(material, caller.tenantId(), id))
                        .bind("tenantId", caller.tenantId())
                        .bind("id", id)
                        .fetch()
                        .rowsUpdated()
                        .then(changed(caller, id, AuditAction.CREDENTIAL_REPLACE))
                        .then(one(caller.tenantId(), id))));
    }

    Mono<Void> delete(Caller caller, UUID id) {
        return tx.transactional(db.sql("DELETE FROM tenancy.credential WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", caller.tenantId())
                .bind("id", id)
                .fetch()
                .rowsUpdated()
                .flatMap(deleted -> deleted == 0 ? Mono.error(ApiRejected.notFound("credential")) : Mono.empty())
                .then(changed(caller, id, AuditAction.CREDENTIAL_DELETE)));
    }

    /** The type of the tenant's credential {@code id}; empty when the tenant has none with this id. */
    public Mono<CredentialType> type(UUID tenantId, UUID id) {
        return db.sql("SELECT type FROM tenancy.credential WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(row -> CredentialType.of(row.get("type", String.class)).orElseThrow())
                .one();
    }

    private Parameter sealed(CredentialMaterial material, UUID tenantId, UUID id) {
        return Sql.nullable(
                material.secret() == null ? null : cipher.seal(material.secret(), tenantId, id), byte[].class);
    }

    private Mono<Void> changed(Caller caller, UUID id, AuditAction action) {
        return audit.changed(caller, action, "credential:" + id)
                .then(changes.changed(ChangeEvents.Kind.CREDENTIAL, id, caller.tenantId()));
    }

    private CredentialView view(Readable row) {
        return new CredentialView(
                row.get("id", UUID.class),
                row.get("type", String.class),
                row.get("name", String.class),
                row.get("fingerprint", String.class),
                json.readValue(row.get("metadata", String.class), new TypeReference<Map<String, String>>() {}),
                row.get("created_at", Instant.class),
                row.get("updated_at", Instant.class));
    }
}
