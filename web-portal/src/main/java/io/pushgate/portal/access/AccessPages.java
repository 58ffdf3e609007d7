package io.pushgate.portal.access;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.backend.AppClient;
import io.pushgate.portal.backend.Backend;
import io.pushgate.portal.backend.BackendSettings;
import io.pushgate.portal.backend.Configuration;
import io.pushgate.portal.backend.CreatedAppClient;
import io.pushgate.portal.backend.Page;
import io.pushgate.portal.backend.TrustedIssuer;
import io.pushgate.portal.web.Flash;
import io.pushgate.portal.web.FormErrors;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code /app-access}: app clients (the client secret shown once, with the calls an app makes with
 * it), trusted issuers, and which configurations take open registrations.
 */
@Controller
class AccessPages {

    static final ParameterizedTypeReference<Page<AppClient>> APP_CLIENTS = new ParameterizedTypeReference<>() {};
    static final ParameterizedTypeReference<Page<TrustedIssuer>> ISSUERS = new ParameterizedTypeReference<>() {};
    static final ParameterizedTypeReference<Page<Configuration>> CONFIGURATIONS = new ParameterizedTypeReference<>() {};
    private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
            new ParameterizedTypeReference<>() {};

    private final Backend backend;
    private final WebClient tenantService;

    AccessPages(Backend backend, WebClient.Builder builder, BackendSettings settings) {
        this.backend = backend;
        this.tenantService =
                builder.clone().baseUrl(settings.tenantServiceUrl().toString()).build();
    }

    @GetMapping("/app-access")
    Mono<String> page(ServerWebExchange exchange, Model model) {
        return page(exchange, null, FormErrors.none(), Map.of(), model);
    }

    @PostMapping("/app-clients")
    Mono<String> createClient(ServerWebExchange exchange, Model model) {
        return exchange.getFormData()
                .flatMap(form -> backend.tenant(exchange)
                        .send(
                                HttpMethod.POST,
                                Map.of("name", value(form, "name")),
                                CreatedAppClient.class,
                                "/v1/app-clients")
                        .flatMap(created -> Flash.put(exchange, "app-client:" + created.clientId(), created)
                                .thenReturn("redirect:/app-clients/" + created.clientId() + "/created"))
                        .onErrorResume(ApiProblem.class, problem -> refused(exchange, "client", problem, form, model)));
    }

    /** The new client's secret, once, with copyable calls for its token and a registration of each form. */
    @GetMapping("/app-clients/{clientId}/created")
    Mono<String> created(
            ServerWebExchange exchange,
            @PathVariable String clientId,
            @RequestParam(required = false) String configuration,
            Model model) {
        return Mono.zip(
                        Flash.take(exchange, "app-client:" + clientId, CreatedAppClient.class)
                                .map(Optional::of)
                                .defaultIfEmpty(Optional.empty()),
                        backend.tenant(exchange).get(CONFIGURATIONS, "/v1/configurations?limit=200"),
                        tokenEndpoint())
                .map(found -> {
                    List<Configuration> configurations = found.getT2().items();
                    Configuration chosen = configurations.stream()
                            .filter(c -> c.id().toString().equals(configuration))
                            .findFirst()
                            .orElse(configurations.isEmpty() ? null : configurations.get(0));
                    CreatedAppClient created = found.getT1().orElse(null);
                    String configId = chosen != null && chosen.axpConfigurationId() != null
                            ? chosen.axpConfigurationId()
                            : "YOUR-AXP-CONFIGURATION-ID";
                    String delivery = deliveryBase(chosen == null ? null : chosen.callbackUrl());
                    model.addAttribute("clientId", clientId);
                    model.addAttribute("created", created);
                    model.addAttribute("configuration", chosen);
                    model.addAttribute(
                            "curlToken",
                            "curl -s -u '" + clientId + ":"
                                    + (created == null ? "YOUR-CLIENT-SECRET" : created.clientSecret()) + "' \\\n"
                                    + "  -d grant_type=client_credentials \\\n  " + found.getT3());
                    model.addAttribute(
                            "curlNative",
                            registration(
                                    delivery + "/v1/device-registrations/DEVICE-TOKEN",
                                    "{\"configId\": \"" + configId
                                            + "\", \"sessionId\": \"OMNI-SDK-SESSION-ID\", \"platform\": \"android\","
                                            + " \"provider\": \"fcm\"}"));
                    model.addAttribute(
                            "curlAvaya",
                            registration(
                                    delivery + "/custom-notification-connector/device-registrations/DEVICE-TOKEN",
                                    "{\"configId\": \"" + configId + "\", \"sessionId\": \"OMNI-SDK-SESSION-ID\"}"));
                    model.addAttribute("fromChecklist", configuration != null);
                    return "app-client-created";
                });
    }

    @PostMapping("/app-clients/{clientId}/delete")
    Mono<String> deleteClient(ServerWebExchange exchange, @PathVariable String clientId) {
        return backend.tenant(exchange)
                .send(HttpMethod.DELETE, null, "/v1/app-clients/{clientId}", clientId)
                .then(Flash.notice(exchange, "App client " + clientId + " deleted: its tokens are no longer issued."))
                .thenReturn("redirect:/app-access");
    }

    @PostMapping("/trusted-issuers")
    Mono<String> createIssuer(ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("issuer", value(form, "issuer").strip());
            body.put("jwksUri", value(form, "jwksUri").strip());
            body.put("audience", value(form, "audience").strip());
            return backend.tenant(exchange)
                    .send(HttpMethod.POST, body, TrustedIssuer.class, "/v1/trusted-issuers")
                    .then(Flash.notice(exchange, "Issuer trusted: its tokens may register devices now."))
                    .thenReturn("redirect:/app-access#issuers")
                    .onErrorResume(ApiProblem.class, problem -> refused(exchange, "issuer", problem, form, model));
        });
    }

    @PostMapping("/trusted-issuers/{id}/delete")
    Mono<String> deleteIssuer(ServerWebExchange exchange, @PathVariable String id) {
        return backend.tenant(exchange)
                .send(HttpMethod.DELETE, null, "/v1/trusted-issuers/{id}", uuid(id))
                .then(Flash.notice(exchange, "The issuer is no longer trusted."))
                .thenReturn("redirect:/app-access#issuers");
    }

    private Mono<String> refused(
            ServerWebExchange exchange,
            String failedForm,
            ApiProblem problem,
            MultiValueMap<String, String> form,
            Model model) {
        exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
        Map<String, String> fields = Map.of("type:trusted-issuer-taken", "issuer");
        return page(exchange, failedForm, FormErrors.of(problem, fields), form.toSingleValueMap(), model);
    }

    private Mono<String> page(
            ServerWebExchange exchange, String failedForm, FormErrors errors, Map<String, String> form, Model model) {
        Backend.Calls tenant = backend.tenant(exchange);
        return Mono.zip(
                        tenant.get(APP_CLIENTS, "/v1/app-clients?limit=200"),
                        tenant.get(ISSUERS, "/v1/trusted-issuers?limit=200"),
                        tenant.get(CONFIGURATIONS, "/v1/configurations?limit=200"))
                .map(found -> {
                    model.addAttribute("appClients", found.getT1().items());
                    model.addAttribute("issuers", found.getT2().items());
                    model.addAttribute("configurations", found.getT3().items());
                    model.addAttribute("failedForm", failedForm);
                    model.addAttribute("errors", errors);
                    model.addAttribute("form", form);
                    return "app-access";
                });
    }

    /** Where apps get tokens, from tenant-service's metadata (its public address). */
    private Mono<String> tokenEndpoint() {
        return tenantService
                .get()
                .uri("/.well-known/oauth-authorization-server")
                .retrieve()
                .bodyToMono(JSON_OBJECT)
                .map(metadata -> String.valueOf(metadata.get("token_endpoint")))
                .timeout(Duration.ofSeconds(5))
                .onErrorReturn("https://<tenant-service>/oauth2/token");
    }

    private static String registration(String url, String json) {
        return "curl -X PUT -H \"Authorization: Bearer $TOKEN\" \\\n  -H 'Content-Type: application/json' \\\n  -d '"
                + json + "' \\\n  " + url;
    }

    /** delivery-service's public base URL: the callback URL before {@code /axp/callbacks/}. */
    static String deliveryBase(String callbackUrl) {
        int at = callbackUrl == null ? -1 : callbackUrl.indexOf("/axp/callbacks/");
        return at < 0 ? "https://<delivery-service>" : callbackUrl.substring(0, at);
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(404, null, null, "no such trusted issuer", null);
        }
    }

    private static String value(MultiValueMap<String, String> form, String name) {
        String value = form.getFirst(name);
        return value == null ? "" : value;
    }
}
