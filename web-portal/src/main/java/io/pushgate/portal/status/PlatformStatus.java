package io.pushgate.portal.status;

import io.pushgate.portal.backend.BackendSettings;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Service;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Asks each backend service for its readiness and its database's health, so the portal can say
 * plainly what works. The two differ on purpose: a service stays ready through a database outage
 * (it answers 503 + {@code Retry-After} instead of leaving its load balancer), so readiness alone
 * would call a platform without its database healthy.
 */
@Service
public class PlatformStatus {

    /**
     * One service: its readiness ({@code UP}, {@code DOWN}, {@code OUT_OF_SERVICE} or {@code
     * UNREACHABLE}) and its database's health ({@code UP}, {@code DOWN} or {@code UNKNOWN}).
     */
    public record ServiceStatus(String name, URI url, String status, String database) {
        public boolean up() {
            return "UP".equals(status);
        }

        public boolean databaseUp() {
            return "UP".equals(database);
        }
    }

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
            new ParameterizedTypeReference<>() {};

    private final WebClient client;
    private final BackendSettings settings;

    PlatformStatus(WebClient.Builder builder, BackendSettings settings) {
        this.client = builder.build();
        this.settings = settings;
    }

    public Mono<List<ServiceStatus>> services() {
        return Flux.concat(
                        status("tenant-service", settings.tenantServiceUrl()),
                        status("delivery-service", settings.deliveryServiceUrl()))
                .collectList();
    }

    private Mono<ServiceStatus> status(String name, URI baseUrl) {
        return Mono.zip(
                        health(baseUrl.resolve("/actuator/health/readiness"))
                                .map(body -> String.valueOf(body.getOrDefault("status", "UNKNOWN")))
                                .defaultIfEmpty("UNREACHABLE"),
                        health(baseUrl.resolve("/actuator/health"))
                                .map(PlatformStatus::database)
                                .defaultIfEmpty("UNKNOWN"))
                .map(found -> new ServiceStatus(name, baseUrl, found.getT1(), found.getT2()));
    }

    /** A health answer; a service or component that is down answers 503 with the same body, so read it whatever the status. */
    private Mono<Map<String, Object>> health(URI uri) {
        return client.get()
                .uri(uri)
                .exchangeToMono(response -> response.bodyToMono(JSON_OBJECT))
                .timeout(settings.timeout())
                .onErrorResume(error -> Mono.empty());
    }

    /** The database component's status in a health answer (Spring Boot names it {@code r2dbc}). */
    private static String database(Map<String, Object> health) {
        return health.get("components") instanceof Map<?, ?> components
                        && components.get("r2dbc") instanceof Map<?, ?> r2dbc
                ? String.valueOf(r2dbc.get("status"))
                : "UNKNOWN";
    }
}
