package io.pushgate.tenant.configuration;

import io.pushgate.api.problem.ControlPlaneProblem;
import io.pushgate.api.secret.SecretCipher;
import io.pushgate.tenant.audit.AuditAction;
import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.ChangeEvents;
import io.pushgate.tenant.platform.Page;
import io.pushgate.tenant.platform.PlatformSettings;
import io.pushgate.tenant.platform.Randoms;
import io.pushgate.tenant.platform.Sql;
import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * A tenant's AXP configurations. Every change runs in one transaction with its audit event and its
 * change notification; every query is scoped by the caller's tenant.
 */
@Service
class Configurations {

    /** 32 random bytes, base64url: the HMAC secret shared with AXP. */
    static final int SECRET_BYTES = 32;
    /** 32 random bytes (256 bits), base64url: the callback URL's path segment. */
    static final int CALLBACK_KEY_BYTES = 32;

    static final String COLUMNS = """
            id, name, callback_key, axp_configuration_id, enabled, notification_title, notification_body,
            open_registration, delivery_window_seconds, default_android_credential_id, default_ios_credential_id,
            created_at, updated_at""";

    record SecretRotated(String secret, Instant previousSecretValidUntil) {
        @Override
        public String toString() {
            return "SecretRotated[previousSecretValidUntil=" + previousSecretValidUntil + "]";
        }
    }

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final SecretCipher cipher;
    private final AuditLog audit;
    private final ChangeEvents changes;
    private final PlatformSettings platform;
    private final ConfigurationSettings settings;
    private final Clock clock;

    Configurations(
            DatabaseClient db,
            TransactionalOperator tx,
            SecretCipher cipher,
            AuditLog audit,
            ChangeEvents changes,
            PlatformSettings platform,
            ConfigurationSettings settings,
            Clock clock) {
        this.db = db;
        this.tx = tx;
        this.cipher = cipher;
        this.audit = audit;
        this.changes = changes;
        this.platform = platform;
        this.settings = settings;
        this.clock = clock;
    }

    Mono<ConfigurationView> create(Caller caller, String name, String axpConfigurationId) {
        UUID id = UUID.randomUUID();
        String secret = Randoms.base64Url(SECRET_BYTES);
        return tx.transactional(db.sql("""
                                INSERT INTO tenancy.configuration (id, tenant_id, name, callback_key, secret_ciphertext, axp_configuration_id)
                                VALUES (:id, :tenantId, :name, :callbackKey, :secret, :axpId)
                                """)
                        .bind("id", id)
                        .bind("tenantId", caller.tenantId())
                        .bind("name", name)
                        .bind("callbackKey", Randoms.base64Url(CALLBACK_KEY_BYTES))
                        .bind("secret", cipher.seal(secret, caller.tenantId(), id))
                        .bind("axpId", Sql.nullable(axpConfigurationId, String.class))
                        .fetch()
                        .rowsUpdated()
                        .then(changed(caller, id, AuditAction.CONFIGURATION_CREATE))
                        .then(one(caller.tenantId(), id)))
                .onErrorMap(DuplicateKeyException.class, Configurations::axpIdTaken)
                .map(view -> view.withSecret(secret));
    }

    Mono<Page<ConfigurationView>> list(Caller caller, Page.Position after, int limit) {
        return db.sql("SELECT " + COLUMNS + " FROM tenancy.configuration"
                        + " WHERE tenant_id = :tenantId AND (created_at, id) > (:createdAt, :id)"
                        + " ORDER BY created_at, id LIMIT :limit")
                .bind("tenantId", caller.tenantId())
                .bind("createdAt", after.createdAt())
                .bind("id", after.id())
                .bind("limit", limit + 1)
                .map(this::view)
                .all()
                .collectList()
                .map(rows -> Page.of(
                        rows, limit, view -> new Page.Position(view.createdAt(), view.id()).encode(caller.tenantId())));
    }

    Mono<ConfigurationView> one(UUID tenantId, UUID id) {
        return db.sql("SELECT " + COLUMNS + " FROM tenancy.configuration WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(this::view)
                .one()
                .switchIfEmpty(Mono.error(ApiRejected.notFound("configuration")));
    }

    /** Applies {@code columns} (column name to new value, null values as typed {@link Parameter}s). */
    Mono<ConfigurationView> update(Caller caller, UUID id, Map<String, Parameter> columns) {
        return update(caller, id, columns, AuditAction.CONFIGURATION_UPDATE);
    }

    private Mono<ConfigurationView> update(Caller caller, UUID id, Map<String, Parameter> columns, AuditAction action) {
        if (columns.isEmpty()) {
            return one(caller.tenantId(), id);
        }
        List<String> sets = new ArrayList<>();
        columns.keySet().forEach(column -> sets.add(column + " = :" + column));
        var spec = db.sql("UPDATE tenancy.configuration SET " + String.join(", ", sets)
                        + ", updated_at = now() WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", caller.tenantId())
                .bind("id", id);
        for (Map.Entry<String, Parameter> column : columns.entrySet()) {
            spec = spec.bind(column.getKey(), column.getValue());
        }
        return tx.transactional(spec.fetch()
                        .rowsUpdated()
                        .flatMap(updated ->
                                updated == 0 ? Mono.error(ApiRejected.notFound("configuration")) : Mono.empty())
                        .then(changed(caller, id, action))
                        .then(one(caller.tenantId(), id)))
                .onErrorMap(DuplicateKeyException.class, Configurations::axpIdTaken);
    }

    Mono<SecretRotated> rotateSecret(Caller caller, UUID id) {
        String secret = Randoms.base64Url(SECRET_BYTES);
        // microseconds, as PostgreSQL stores it: the answer and the row agree
        Instant validUntil =
                clock.instant().plus(settings.secretGracePeriod()).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        return tx.transactional(db.sql("""
                                UPDATE tenancy.configuration
                                SET previous_secret_ciphertext = secret_ciphertext, previous_secret_valid_until = :validUntil,
                                    secret_ciphertext = :secret, updated_at = now()
                                WHERE tenant_id = :tenantId AND id = :id
                                """)
                        .bind("validUntil", validUntil)
                        .bind("secret", cipher.seal(secret, caller.tenantId(), id))
                        .bind("tenantId", caller.tenantId())
                        .bind("id", id)
                        .fetch()
                        .rowsUpdated()
                        .flatMap(updated ->
                                updated == 0 ? Mono.error(ApiRejected.notFound("configuration")) : Mono.empty())
                        .then(changed(caller, id, AuditAction.CONFIGURATION_SECRET_ROTATE)))
                .thenReturn(new SecretRotated(secret, validUntil));
    }

    Mono<Void> expirePreviousSecret(Caller caller, UUID id) {
        return tx.transactional(db.sql("""
                                UPDATE tenancy.configuration
                                SET previous_secret_ciphertext = NULL, previous_secret_valid_until = NULL, updated_at = now()
                                WHERE tenant_id = :tenantId AND id = :id
                                """)
                .bind("tenantId", caller.tenantId())
                .bind("id", id)
                .fetch()
                .rowsUpdated()
                .flatMap(updated -> updated == 0 ? Mono.error(ApiRejected.notFound("configuration")) : Mono.empty())
                .then(changed(caller, id, AuditAction.CONFIGURATION_SECRET_EXPIRE_PREVIOUS)));
    }

    Mono<ConfigurationView> rotateCallbackKey(Caller caller, UUID id) {
        Map<String, Parameter> columns = new LinkedHashMap<>();
        columns.put("callback_key", Parameters.in(Randoms.base64Url(CALLBACK_KEY_BYTES)));
        // its own action: the old callback URL stops at once, which the audit log should tell apart
        return update(caller, id, columns, AuditAction.CONFIGURATION_CALLBACK_KEY_ROTATE);
    }

    Mono<Void> delete(Caller caller, UUID id) {
        return tx.transactional(db.sql("DELETE FROM tenancy.configuration WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", caller.tenantId())
                .bind("id", id)
                .fetch()
                .rowsUpdated()
                .flatMap(deleted -> deleted == 0 ? Mono.error(ApiRejected.notFound("configuration")) : Mono.empty())
                .then(changed(caller, id, AuditAction.CONFIGURATION_DELETE)));
    }

    private Mono<Void> changed(Caller caller, UUID id, AuditAction action) {
        return audit.changed(caller, action, "configuration:" + id)
                .then(changes.changed(ChangeEvents.Kind.CONFIGURATION, id, caller.tenantId()));
    }

    private ConfigurationView view(Readable row) {
        return new ConfigurationView(
                row.get("id", UUID.class),
                row.get("name", String.class),
                PlatformSettings.withoutTrailingSlash(platform.publicBaseUrl()) + "/axp/callbacks/"
                        + row.get("callback_key", String.class),
                row.get("axp_configuration_id", String.class),
                Boolean.TRUE.equals(row.get("enabled", Boolean.class)),
                new ConfigurationView.NotificationTemplate(
                        row.get("notification_title", String.class), row.get("notification_body", String.class)),
                Boolean.TRUE.equals(row.get("open_registration", Boolean.class)),
                Duration.ofSeconds(row.get("delivery_window_seconds", Long.class))
                        .toString(),
                new ConfigurationView.DefaultCredentials(
                        row.get("default_android_credential_id", UUID.class),
                        row.get("default_ios_credential_id", UUID.class)),
                row.get("created_at", Instant.class),
                row.get("updated_at", Instant.class),
                null);
    }

    static ApiRejected axpIdTaken(Throwable e) {
        return new ApiRejected(
                ControlPlaneProblem.AXP_CONFIGURATION_ID_TAKEN,
                "this AXP Configuration Id is already used by a configuration; each one can be used once");
    }
}
