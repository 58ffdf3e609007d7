package io.pushgate.delivery.configuration;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.context.event.EventListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * The control plane's configurations by AXP Configuration Id (what apps register with), from
 * memory: read from {@code tenancy.configuration} once, evicted by change notifications, bounded by
 * the same TTL as the callback cache. Unknown ids are cached too.
 */
@Service
public class AxpConfigurations {

    /** Longer ids are unknown without a look-up. */
    public static final int MAX_ID_LENGTH = 128;

    private final DatabaseClient database;
    private final AsyncCache<String, Optional<AxpConfiguration>> cache;

    AxpConfigurations(DatabaseClient database, ConfigurationSettings settings) {
        this.database = database;
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(settings.cacheTtl())
                .maximumSize(settings.cacheMaximumSize())
                .buildAsync();
    }

    /** The configuration apps know as {@code axpConfigurationId}, or empty when there is none. */
    public Mono<Optional<AxpConfiguration>> byAxpConfigurationId(String axpConfigurationId) {
        if (axpConfigurationId.isEmpty() || axpConfigurationId.length() > MAX_ID_LENGTH) {
            return Mono.just(Optional.empty());
        }
        return Mono.fromFuture(
                cache.get(axpConfigurationId, (key, executor) -> load(key).toFuture()), true);
    }

    @EventListener
    void changed(TenancyChanged change) {
        if (!change.concerns(ChangeKind.CONFIGURATION)) {
            return;
        }
        if (change.id() == null) {
            cache.synchronous().invalidateAll();
            return;
        }
        evict(change.id());
    }

    private void evict(UUID configurationId) {
        cache.asMap().entrySet().removeIf(entry -> {
            CompletableFuture<Optional<AxpConfiguration>> future = entry.getValue();
            if (!future.isDone() || future.isCompletedExceptionally()) {
                return true;
            }
            Optional<AxpConfiguration> configuration = future.join();
            return configuration.isEmpty() || configuration.get().id().equals(configurationId);
        });
    }

    private Mono<Optional<AxpConfiguration>> load(String axpConfigurationId) {
        return database.sql("""
                        SELECT id, tenant_id, axp_configuration_id, enabled, open_registration
                        FROM tenancy.configuration WHERE axp_configuration_id = $1""")
                .bind(0, axpConfigurationId)
                .map((row, metadata) -> new AxpConfiguration(
                        row.get("id", UUID.class),
                        row.get("tenant_id", UUID.class),
                        row.get("axp_configuration_id", String.class),
                        Boolean.TRUE.equals(row.get("enabled", Boolean.class)),
                        Boolean.TRUE.equals(row.get("open_registration", Boolean.class))))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }
}
