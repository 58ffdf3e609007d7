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

/** Asks each backend service for its readiness, so the portal can say plainly what works. */
@Service
public class PlatformStatus {

    /** One service's readiness: {@code UP}, {@code DOWN}, {@code OUT_OF_SERVICE} or {@code UNREACHABLE}. */
    public record ServiceStatus(String name, URI url, String status) {
        public boolean up() {
            return "UP".equals(status);
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
                        readiness("tenant-service", settings.tenantServiceUrl()),
                        readiness("delivery-service", settings.deliveryServiceUrl()))
                .collectList();
    }

    private Mono<ServiceStatus> readiness(String name, URI baseUrl) {
        // a service that is not ready answers 503 with the same body, so read it whatever the status
        return client.get()
                .uri(baseUrl.resolve("/actuator/health/readiness"))
                .exchangeToMono(response -> response.bodyToMono(JSON_OBJECT))
                .map(body -> String.valueOf(body.getOrDefault("status", "UNKNOWN")))
                .timeout(settings.timeout())
                .onErrorReturn("UNREACHABLE")
                .defaultIfEmpty("UNREACHABLE")
                .map(status -> new ServiceStatus(name, baseUrl, status));
    }
}
