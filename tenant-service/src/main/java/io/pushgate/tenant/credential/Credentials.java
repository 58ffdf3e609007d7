package io.pushgate.tenant.credential;

import io.pushgate.api.secret.SecretCipher;
import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.platform.ApiProblem;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.ChangeEvents;
import io.pushgate.tenant.platform.Fields;
import io.pushgate.tenant.platform.Page;
import io.pushgate.tenant.platform.Sql;
import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
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
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code /v1/credentials}: provider credentials. The material is checked, sealed with the
 * credential's id and never answered; {@code PUT /v1/credentials/{id}} replaces it (rotation).
 */
@RestController
@RequestMapping("/v1/credentials")
class Credentials {

    private static final String COLUMNS =
            "id, type, name, metadata::text AS metadata, fingerprint, created_at, updated_at";

    /** The create (and replace) body; {@link #toString()} leaves the material out. */
    record CredentialRequest(
            String type,
            String name,
            String serviceAccountJson,
            String p8Key,
            String keyId,
            String teamId,
            String topic,
            String environment) {
        @Override
        public String toString() {
            return "CredentialRequest[type=" + type + ", name=" + name + "]";
        }
    }

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

    @PostMapping
    Mono<ResponseEntity<CredentialView>> create(
            @AuthenticationPrincipal Jwt jwt, ServerHttpRequest request, @RequestBody CredentialRequest body) {
        Caller caller = Caller.of(jwt, request);
        String name = Fields.text("name", body.name(), 200);
        CredentialMaterial material = material(body);
        UUID id = UUID.randomUUID();
        return tx.transactional(db.sql("""
                                INSERT INTO tenancy.credential (id, tenant_id, type, name, metadata, fingerprint, material_ciphertext)
                                VALUES (:id, :tenantId, :type, :name, CAST(:metadata AS jsonb), :fingerprint, :material)
                                """)
                        .bind("id", id)
                        .bind("tenantId", caller.tenantId())
                        .bind("type", material.type())
                        .bind("name", name)
                        .bind("metadata", json.writeValueAsString(material.metadata()))
                        .bind("fingerprint", material.fingerprint())
                        .bind("material", sealed(material, caller.tenantId(), id))
                        .fetch()
                        .rowsUpdated()
                        .then(changed(caller, id, "credential.create"))
                        .then(one(caller.tenantId(), id)))
                .map(view -> ResponseEntity.status(HttpStatus.CREATED).body(view));
    }

    @GetMapping
    Mono<Page<CredentialView>> list(
            @AuthenticationPrincipal Jwt jwt,
            ServerHttpRequest request,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        Caller caller = Caller.of(jwt, request);
        return Page.query(
                db, "SELECT " + COLUMNS + " FROM tenancy.credential", caller.tenantId(), cursor, limit, this::view);
    }

    @GetMapping("/{id}")
    Mono<CredentialView> get(@AuthenticationPrincipal Jwt jwt, ServerHttpRequest request, @PathVariable String id) {
        return one(Caller.of(jwt, request).tenantId(), Fields.pathId(id, "credential"));
    }

    /** Replaces the material (and the name): the type stays what it was. */
    @PutMapping("/{id}")
    Mono<CredentialView> replace(
            @AuthenticationPrincipal Jwt jwt,
            ServerHttpRequest request,
            @PathVariable String id,
            @RequestBody CredentialRequest body) {
        Caller caller = Caller.of(jwt, request);
        UUID credentialId = Fields.pathId(id, "credential");
        String name = Fields.text("name", body.name(), 200);
        CredentialMaterial material = material(body);
        return one(caller.tenantId(), credentialId)
                .flatMap(existing -> existing.type().equals(material.type())
                        ? Mono.empty()
                        : Mono.error(ApiProblem.invalidField(
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
                        .bind("material", sealed(material, caller.tenantId(), credentialId))
                        .bind("tenantId", caller.tenantId())
                        .bind("id", credentialId)
                        .fetch()
                        .rowsUpdated()
                        .then(changed(caller, credentialId, "credential.replace"))
                        .then(one(caller.tenantId(), credentialId))));
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<Void>> delete(
            @AuthenticationPrincipal Jwt jwt, ServerHttpRequest request, @PathVariable String id) {
        Caller caller = Caller.of(jwt, request);
        UUID credentialId = Fields.pathId(id, "credential");
        return tx.transactional(db.sql("DELETE FROM tenancy.credential WHERE tenant_id = :tenantId AND id = :id")
                        .bind("tenantId", caller.tenantId())
                        .bind("id", credentialId)
                        .fetch()
                        .rowsUpdated()
                        .flatMap(deleted -> deleted == 0 ? Mono.error(ApiProblem.notFound("credential")) : Mono.empty())
                        .then(changed(caller, credentialId, "credential.delete")))
                .thenReturn(ResponseEntity.noContent().build());
    }

    private CredentialMaterial material(CredentialRequest body) {
        if (body.type() == null) {
            throw ApiProblem.invalidField("type", "is required: sandbox, fcm or apns");
        }
        return switch (body.type()) {
            case "sandbox" -> CredentialMaterial.sandbox();
            case "fcm" -> CredentialMaterial.fcm(body.serviceAccountJson(), json);
            case "apns" ->
                CredentialMaterial.apns(body.p8Key(), body.keyId(), body.teamId(), body.topic(), body.environment());
            default -> throw ApiProblem.invalidField("type", "must be sandbox, fcm or apns");
        };
    }

    private Parameter sealed(CredentialMaterial material, UUID tenantId, UUID id) {
        return Sql.nullable(
                material.secret() == null ? null : cipher.seal(material.secret(), tenantId, id), byte[].class);
    }

    private Mono<CredentialView> one(UUID tenantId, UUID id) {
        return db.sql("SELECT " + COLUMNS + " FROM tenancy.credential WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(this::view)
                .one()
                .switchIfEmpty(Mono.error(ApiProblem.notFound("credential")));
    }

    private Mono<Void> changed(Caller caller, UUID id, String action) {
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
