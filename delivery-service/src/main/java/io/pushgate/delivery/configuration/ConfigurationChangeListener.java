package io.pushgate.delivery.configuration;

import io.pushgate.database.ServerConnections;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * {@code LISTEN}s on the control plane's channel {@value #CHANNEL} over a dedicated connection to the
 * server itself ({@link ServerConnections}: not from the pool, and past a transaction-mode PgBouncer)
 * and evicts what each change makes stale. The payload is {@code
 * {"kind":"configuration"|"credential"|"trusted_issuer"|"plan","id":"<uuid>","tenantId":"<uuid>"}}.
 *
 * <p>When the connection drops it listens again after {@code listen-retry-delay} and then evicts
 * everything, since notifications may have been missed meanwhile; the cache's TTL bounds staleness
 * if the drop goes unnoticed.
 *
 * <p>Every change is also published as a {@link TenancyChanged} event, for the other caches of the
 * control plane's tables (AXP Configuration Ids, trusted issuers, delivery settings, provider clients,
 * plans).
 */
@Component
class ConfigurationChangeListener implements SmartLifecycle {

    static final String CHANNEL = "pushgate_tenancy_changed";

    private static final Logger log = LoggerFactory.getLogger(ConfigurationChangeListener.class);
    private static final Pattern KIND = Pattern.compile("\"kind\"\\s*:\\s*\"([a-z_]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");

    private final ConnectionFactory connections;
    private final Configurations configurations;
    private final ConfigurationSettings settings;
    private final ApplicationEventPublisher events;
    private volatile Disposable subscription;
    private volatile boolean listening;

    ConfigurationChangeListener(
            ServerConnections server,
            Configurations configurations,
            ConfigurationSettings settings,
            ApplicationEventPublisher events) {
        this.connections = server.factory();
        this.configurations = configurations;
        this.settings = settings;
        this.events = events;
    }

    @Override
    public void start() {
        if (!settings.listen()) {
            log.warn(
                    "Not listening for configuration changes: cached configurations live up to {}",
                    settings.cacheTtl());
            return;
        }
        subscription = Flux.usingWhen(
                        Mono.from(connections.create()).cast(PostgresqlConnection.class),
                        this::listen,
                        Connection::close,
                        (connection, error) -> connection.close(),
                        Connection::close)
                .concatWith(Flux.error(() -> new IllegalStateException("the listening connection ended")))
                .doOnError(error -> {
                    listening = false;
                    log.warn(
                            "Not listening for configuration changes ({}); again in {}",
                            error.toString(),
                            settings.listenRetryDelay());
                })
                .retryWhen(Retry.fixedDelay(Long.MAX_VALUE, settings.listenRetryDelay()))
                .subscribe(this::changed);
    }

    private Flux<String> listen(PostgresqlConnection connection) {
        return connection
                .createStatement("LISTEN " + CHANNEL)
                .execute()
                .flatMap(PostgresqlResult::getRowsUpdated)
                .then(Mono.fromRunnable(() -> {
                    // whatever changed while nobody listened is evicted now
                    configurations.evictAll();
                    events.publishEvent(TenancyChanged.everything());
                    listening = true;
                    log.info("Listening for configuration changes on {}", CHANNEL);
                }))
                .thenMany(connection.getNotifications())
                .mapNotNull(notification -> notification.getParameter());
    }

    void changed(String payload) {
        Matcher kind = KIND.matcher(payload);
        Matcher id = ID.matcher(payload);
        if (kind.find() && id.find()) {
            // a kind this service keeps nothing of (a table added to the control plane later) evicts nothing
            ChangeKind.of(kind.group(1)).ifPresent(changed -> {
                if (changed == ChangeKind.CONFIGURATION) {
                    configurations.evict(UUID.fromString(id.group(1)));
                }
                events.publishEvent(new TenancyChanged(changed, UUID.fromString(id.group(1))));
            });
            return;
        }
        log.warn("Unreadable change notification on {}; evicting every configuration", CHANNEL);
        configurations.evictAll();
        events.publishEvent(TenancyChanged.everything());
    }

    /** Whether the {@code LISTEN} is in place now. */
    boolean isListening() {
        return listening;
    }

    @Override
    public void stop() {
        Disposable current = subscription;
        if (current != null) {
            current.dispose();
        }
        listening = false;
    }

    @Override
    public boolean isRunning() {
        return subscription != null && !subscription.isDisposed();
    }
}
