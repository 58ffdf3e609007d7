package io.pushgate.delivery.dispatch;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pushgate.delivery.configuration.ChangeKind;
import io.pushgate.delivery.configuration.TenancyChanged;
import io.pushgate.delivery.registration.PushProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Configurations as delivery reads them, cached by id; a change of any configuration or credential
 * ({@link TenancyChanged}) evicts, and entries live at most a minute when a notification is lost.
 */
@Component
class DeliveryConfigurations {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DatabaseClient database;
    private final AsyncCache<UUID, DeliveryConfiguration> cache = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(1))
            .maximumSize(100_000)
            .buildAsync();

    DeliveryConfigurations(DatabaseClient database) {
        this.database = database;
    }

    /** The configuration {@code id}, or empty when it was deleted. */
    Mono<DeliveryConfiguration> get(UUID id) {
        return Mono.fromFuture(cache.get(id, (key, executor) -> load(key).toFuture()), true);
    }

    @EventListener
    void changed(TenancyChanged change) {
        // a credential's change can change which one a configuration uses (a deleted default): all go
        if (change.concerns(ChangeKind.CREDENTIAL)) {
            cache.synchronous().invalidateAll();
        } else if (change.concerns(ChangeKind.CONFIGURATION)) {
            cache.synchronous().invalidate(change.id());
        }
    }

    private Mono<DeliveryConfiguration> load(UUID id) {
        return database.sql("""
                        SELECT c.tenant_id, c.notification_title, c.notification_body, c.delivery_window_seconds,
                               c.default_android_credential_id, c.default_ios_credential_id,
                               (SELECT coalesce(json_agg(json_build_object('id', cr.id, 'type', cr.type)), '[]')::text
                                FROM tenancy.credential cr WHERE cr.tenant_id = c.tenant_id) AS credentials
                        FROM tenancy.configuration c WHERE c.id = $1""")
                .bind(0, id)
                .map((row, metadata) -> new DeliveryConfiguration(
                        id,
                        row.get("tenant_id", UUID.class),
                        row.get("notification_title", String.class),
                        row.get("notification_body", String.class),
                        Duration.ofSeconds(row.get("delivery_window_seconds", Long.class)),
                        row.get("default_android_credential_id", UUID.class),
                        row.get("default_ios_credential_id", UUID.class),
                        credentials(row.get("credentials", String.class))))
                .one();
    }

    private static List<DeliveryConfiguration.CredentialRef> credentials(String json) {
        List<DeliveryConfiguration.CredentialRef> refs = new ArrayList<>();
        for (JsonNode node : JSON.readTree(json)) {
            refs.add(new DeliveryConfiguration.CredentialRef(
                    UUID.fromString(node.get("id").asString()),
                    PushProvider.of(node.get("type").asString()).orElseThrow()));
        }
        return refs;
    }
}
