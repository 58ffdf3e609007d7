package io.pushgate.tenant.platform;

import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Tells delivery-service that a configuration, credential, trusted issuer or plan changed, so that it
 * evicts its caches: {@code pg_notify('pushgate_tenancy_changed', '{"kind":…,"id":…,"tenantId":…}')}.
 * Call it inside the transaction of the change: PostgreSQL delivers the notification only on commit.
 */
@Component
public class ChangeEvents {

    /** The PostgreSQL channel that delivery-service LISTENs on. */
    public static final String CHANNEL = "pushgate_tenancy_changed";

    /** What changed: the {@code kind} of the payload. */
    public enum Kind {
        CONFIGURATION("configuration"),
        CREDENTIAL("credential"),
        TRUSTED_ISSUER("trusted_issuer"),
        /** A tenant's plan; the payload's {@code id} is the tenant's id. */
        PLAN("plan");

        private final String json;

        Kind(String json) {
            this.json = json;
        }
    }

    private final DatabaseClient db;

    ChangeEvents(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> changed(Kind kind, UUID id, UUID tenantId) {
        String payload = "{\"kind\":\"" + kind.json + "\",\"id\":\"" + id + "\",\"tenantId\":\"" + tenantId + "\"}";
        return db.sql("SELECT pg_notify(:channel, :payload)")
                .bind("channel", CHANNEL)
                .bind("payload", payload)
                .fetch()
                .rowsUpdated()
                .then();
    }
}
