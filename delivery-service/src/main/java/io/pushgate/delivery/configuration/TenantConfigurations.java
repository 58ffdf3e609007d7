package io.pushgate.delivery.configuration;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * A tenant's configurations by id, for the API's per-configuration reads: read from {@code
 * tenancy.configuration} on every call (not cached: these are an admin's reads, not the callback
 * path), always scoped by the caller's tenant, so that another tenant's configuration is not found,
 * exactly like one that does not exist.
 */
@Service
public class TenantConfigurations {

    private final DatabaseClient database;

    TenantConfigurations(DatabaseClient database) {
        this.database = database;
    }

    /** The configuration {@code id} of {@code tenantId} with its rotation, or empty. Never a secret. */
    public Mono<Optional<SecretRotation>> rotation(UUID tenantId, UUID id) {
        return database.sql("""
                        SELECT CASE WHEN previous_secret_ciphertext IS NULL THEN NULL
                                    ELSE previous_secret_valid_until END AS previous_valid_until
                          FROM tenancy.configuration WHERE id = $1 AND tenant_id = $2""")
                .bind(0, id)
                .bind(1, tenantId)
                .map((row, metadata) -> {
                    OffsetDateTime validUntil = row.get("previous_valid_until", OffsetDateTime.class);
                    return new SecretRotation(id, tenantId, validUntil == null ? null : validUntil.toInstant());
                })
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }
}
