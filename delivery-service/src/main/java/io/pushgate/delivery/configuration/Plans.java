package io.pushgate.delivery.configuration;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pushgate.api.Plan;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.context.event.EventListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Tenants' plans ({@code tenancy.plan}), from memory: read once per tenant, evicted by a {@code plan}
 * change notification (or when notifications may have been missed), bounded by the configurations'
 * TTL. A tenant without a row has {@link Plan#DEFAULT} at version 0.
 */
@Service
public class Plans {

    private final DatabaseClient database;
    private final AsyncCache<UUID, TenantPlan> cache;

    Plans(DatabaseClient database, ConfigurationSettings settings) {
        this.database = database;
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(settings.cacheTtl())
                .maximumSize(settings.cacheMaximumSize())
                .buildAsync();
    }

    /** The plan of {@code tenantId}; fails with the database's error when it cannot be read (not cached). */
    public Mono<TenantPlan> of(UUID tenantId) {
        return Mono.fromFuture(cache.get(tenantId, (key, executor) -> load(key).toFuture()), true);
    }

    /** The plan of {@code tenantId} if it is in memory now, else {@code null}: a look-up without a {@code Mono}. */
    public TenantPlan cached(UUID tenantId) {
        CompletableFuture<TenantPlan> future = cache.getIfPresent(tenantId);
        return future != null && future.isDone() && !future.isCompletedExceptionally() ? future.join() : null;
    }

    @EventListener
    void changed(TenancyChanged change) {
        if (!change.concerns(ChangeKind.PLAN)) {
            return;
        }
        if (change.id() == null) {
            cache.synchronous().invalidateAll();
        } else {
            cache.synchronous().invalidate(change.id());
        }
    }

    /**
     * The tenants whose plan keeps their notifications fewer days than {@code platformDays}, with
     * those days: read from {@code tenancy.plan} each time (maintenance asks once a pass, so a change
     * applies at the next pass without a cache to evict).
     */
    public Mono<Map<UUID, Integer>> shorterRetentions(int platformDays) {
        return database.sql("""
                        SELECT tenant_id, retention_days FROM tenancy.plan
                         WHERE retention_days IS NOT NULL AND retention_days < $1""")
                .bind(0, platformDays)
                .map((row, metadata) ->
                        Map.entry(row.get("tenant_id", UUID.class), row.get("retention_days", Integer.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    private Mono<TenantPlan> load(UUID tenantId) {
        return database.sql("""
                        SELECT callbacks_per_second, callback_burst, registrations_per_second, api_calls_per_second,
                               deliveries_per_second_per_credential, version
                        FROM tenancy.plan WHERE tenant_id = $1""")
                .bind(0, tenantId)
                .map((row, metadata) -> new TenantPlan(
                        tenantId,
                        row.get("version", Long.class),
                        new Plan(
                                row.get("callbacks_per_second", Long.class),
                                row.get("callback_burst", Long.class),
                                row.get("registrations_per_second", Long.class),
                                row.get("api_calls_per_second", Long.class),
                                row.get("deliveries_per_second_per_credential", Long.class))))
                .one()
                .defaultIfEmpty(new TenantPlan(tenantId, 0, Plan.DEFAULT));
    }
}
