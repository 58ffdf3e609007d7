package io.pushgate.portal.onboarding;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.backend.AppClient;
import io.pushgate.portal.backend.Backend;
import io.pushgate.portal.backend.Configuration;
import io.pushgate.portal.backend.Credential;
import io.pushgate.portal.backend.Notification;
import io.pushgate.portal.backend.Page;
import io.pushgate.portal.backend.TrustedIssuer;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Reads a tenant's {@link Checklist} from tenant-service and delivery-service. */
@Service
class Checklists {

    static final ParameterizedTypeReference<Page<Configuration>> CONFIGURATIONS = new ParameterizedTypeReference<>() {};
    static final ParameterizedTypeReference<Page<Credential>> CREDENTIALS = new ParameterizedTypeReference<>() {};
    static final ParameterizedTypeReference<Page<AppClient>> APP_CLIENTS = new ParameterizedTypeReference<>() {};
    static final ParameterizedTypeReference<Page<TrustedIssuer>> ISSUERS = new ParameterizedTypeReference<>() {};
    static final ParameterizedTypeReference<Page<Notification>> NOTIFICATIONS = new ParameterizedTypeReference<>() {};

    private final Backend backend;

    Checklists(Backend backend) {
        this.backend = backend;
    }

    /** The checklist for configuration {@code selected} (or the tenant's first configuration). */
    Mono<Checklist> load(ServerWebExchange exchange, UUID selected) {
        Backend.Calls tenant = backend.tenant(exchange);
        return Mono.zip(
                        tenant.get(CONFIGURATIONS, "/v1/configurations?limit=200"),
                        tenant.get(CREDENTIALS, "/v1/credentials?limit=200"),
                        tenant.get(APP_CLIENTS, "/v1/app-clients?limit=1"),
                        tenant.get(ISSUERS, "/v1/trusted-issuers?limit=1"))
                .flatMap(pages -> {
                    List<Configuration> configurations = pages.getT1().items();
                    Configuration configuration = configurations.stream()
                            .filter(c -> c.id().equals(selected))
                            .findFirst()
                            .orElse(configurations.isEmpty() ? null : configurations.get(0));
                    return notifications(exchange, configuration)
                            .map(notifications -> new Checklist(
                                    configurations,
                                    configuration,
                                    pages.getT2().items(),
                                    pages.getT3().items().size(),
                                    pages.getT4().items().size(),
                                    notifications.orElse(null)));
                });
    }

    /** The configuration's newest notifications; empty when delivery-service does not answer. */
    Mono<Optional<List<Notification>>> notifications(ServerWebExchange exchange, Configuration configuration) {
        if (configuration == null) {
            return Mono.just(Optional.of(List.of()));
        }
        return backend.delivery(exchange)
                .get(NOTIFICATIONS, "/v1/notifications?configurationId={id}&limit=200", configuration.id())
                .map(page -> Optional.of(page.items()))
                .onErrorResume(ApiProblem.class, unavailable -> Mono.just(Optional.empty()));
    }
}
