package io.pushgate.tenant.plan;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The usage of the limits delivery-service keeps (callbacks, registrations, deliveries per
 * credential), from its {@code GET /v1/usage}, asked with the caller's own token so that it answers
 * for the caller's tenant and no other. Empty when delivery-service does not answer 200 within
 * {@code pushgate.plan.usage-timeout}: the plan is still answered (logged once per outage, not per
 * call).
 */
@Component
class DataPlaneUsage {

    private static final Logger log = LoggerFactory.getLogger(DataPlaneUsage.class);

    private final WebClient delivery;
    private final PlanSettings settings;
    private final ObjectMapper json;
    private final AtomicBoolean failing = new AtomicBoolean();

    DataPlaneUsage(PlanSettings settings, ObjectMapper json) {
        this.delivery = WebClient.builder()
                .baseUrl(settings.deliveryServiceUrl().toString())
                .build();
        this.settings = settings;
        this.json = json;
    }

    /** delivery-service's answer for the bearer of {@code authorization} (the caller's header), or empty. */
    Mono<JsonNode> of(String authorization) {
        if (authorization == null) {
            return Mono.empty();
        }
        return delivery.get()
                .uri("/v1/usage")
                .header(HttpHeaders.AUTHORIZATION, authorization)
                .accept(MediaType.APPLICATION_JSON)
                .exchangeToMono(answer -> answer.statusCode().value() == 200
                        ? answer.bodyToMono(String.class)
                        : answer.releaseBody()
                                .then(Mono.error(new IllegalStateException(
                                        "answered " + answer.statusCode().value()))))
                .timeout(settings.usageTimeout())
                .map(json::readTree)
                .doOnNext(usage -> {
                    if (failing.compareAndSet(true, false)) {
                        log.info("delivery-service answers GET /v1/usage again");
                    }
                })
                .onErrorResume(error -> {
                    if (failing.compareAndSet(false, true)) {
                        log.warn(
                                "delivery-service at {} did not answer GET /v1/usage ({}): plans are shown without"
                                        + " the data plane's usage until it does",
                                settings.deliveryServiceUrl(),
                                error.toString());
                    }
                    return Mono.empty();
                });
    }
}
