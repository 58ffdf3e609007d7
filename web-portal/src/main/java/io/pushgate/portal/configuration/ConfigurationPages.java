package io.pushgate.portal.configuration;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.backend.Backend;
import io.pushgate.portal.backend.Configuration;
import io.pushgate.portal.backend.Credential;
import io.pushgate.portal.backend.Page;
import io.pushgate.portal.backend.RefusedCallback;
import io.pushgate.portal.backend.SecretUsage;
import io.pushgate.portal.web.Flash;
import io.pushgate.portal.web.FormErrors;
import java.time.Instant;
import java.util.HashMap;
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
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code /configurations}: the tenant's AXP configurations. Every change is a form that works
 * without JavaScript; its refusal is shown next to the field the API named. A new or rotated secret
 * is shown once, on a page served {@code no-store}, and then never again.
 */
@Controller
class ConfigurationPages {

    static final ParameterizedTypeReference<Page<Configuration>> CONFIGURATIONS = new ParameterizedTypeReference<>() {};
    static final ParameterizedTypeReference<Page<Credential>> CREDENTIALS = new ParameterizedTypeReference<>() {};
    static final ParameterizedTypeReference<Page<RefusedCallback>> REFUSED = new ParameterizedTypeReference<>() {};

    /** Refused callbacks the configuration page shows: the newest. */
    static final int REFUSED_SHOWN = 20;

    /** A rotated secret, for its one showing. */
    record SecretRotated(String secret, Instant previousSecretValidUntil) {
        @Override
        public String toString() {
            return "SecretRotated[previousSecretValidUntil=" + previousSecretValidUntil + "]";
        }
    }

    private static final Map<String, String> FIELDS = Map.of("type:axp-configuration-id-taken", "axpConfigurationId");

    private final Backend backend;

    ConfigurationPages(Backend backend) {
        this.backend = backend;
    }

    @GetMapping("/configurations")
    Mono<String> list(ServerWebExchange exchange, Model model) {
        return list(exchange, FormErrors.none(), Map.of(), model);
    }

    @PostMapping("/configurations")
    Mono<String> create(ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", value(form, "name"));
            String axpId = value(form, "axpConfigurationId").strip();
            if (!axpId.isEmpty()) {
                body.put("axpConfigurationId", axpId);
            }
            return backend.tenant(exchange)
                    .send(HttpMethod.POST, body, Configuration.class, "/v1/configurations")
                    .flatMap(created -> Flash.put(exchange, "secret:" + created.id(), created.secret())
                            .thenReturn("redirect:/configurations/" + created.id() + "/secret"))
                    .onErrorResume(ApiProblem.class, problem -> {
                        exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
                        return list(exchange, FormErrors.of(problem, FIELDS), form.toSingleValueMap(), model);
                    });
        });
    }

    private Mono<String> list(ServerWebExchange exchange, FormErrors errors, Map<String, String> form, Model model) {
        return backend.tenant(exchange)
                .get(CONFIGURATIONS, "/v1/configurations?limit=200")
                .map(page -> {
                    model.addAttribute("configurations", page.items());
                    model.addAttribute("errors", errors);
                    model.addAttribute("form", form);
                    return "configurations";
                });
    }

    @GetMapping("/configurations/{id}")
    Mono<String> one(ServerWebExchange exchange, @PathVariable String id, Model model) {
        return details(exchange, id(id), FormErrors.none(), null, model);
    }

    /** Saves the settings form: every field the API's PATCH takes, sent as the form has it. */
    @PostMapping("/configurations/{id}")
    Mono<String> save(ServerWebExchange exchange, @PathVariable String id, Model model) {
        UUID configuration = id(id);
        return exchange.getFormData().flatMap(form -> {
            Map<String, Object> patch = new LinkedHashMap<>();
            patch.put("name", value(form, "name"));
            patch.put("axpConfigurationId", blankToNull(value(form, "axpConfigurationId")));
            patch.put("enabled", form.containsKey("enabled"));
            patch.put("openRegistration", form.containsKey("openRegistration"));
            String minutes = value(form, "deliveryWindow").strip();
            if (!minutes.matches("\\d{1,4}") || Integer.parseInt(minutes) < 1 || Integer.parseInt(minutes) > 1440) {
                return details(
                        exchange,
                        configuration,
                        FormErrors.field(
                                "deliveryWindow", "Enter a whole number of minutes, from 1 to 1440 (24 hours)."),
                        form.toSingleValueMap(),
                        model);
            }
            patch.put("deliveryWindow", "PT" + Integer.parseInt(minutes) + "M");
            Map<String, Object> template = new HashMap<>();
            template.put("title", blankToNull(value(form, "notificationTemplate.title")));
            template.put("body", blankToNull(value(form, "notificationTemplate.body")));
            patch.put("notificationTemplate", template);
            Map<String, Object> defaults = new HashMap<>();
            defaults.put("android", blankToNull(value(form, "defaultCredentials.android")));
            defaults.put("ios", blankToNull(value(form, "defaultCredentials.ios")));
            patch.put("defaultCredentials", defaults);
            return backend.tenant(exchange)
                    .send(HttpMethod.PATCH, patch, Configuration.class, "/v1/configurations/{id}", configuration)
                    .then(Flash.notice(exchange, "Settings saved."))
                    .thenReturn("redirect:/configurations/" + configuration)
                    .onErrorResume(ApiProblem.class, problem -> {
                        Map<String, String> fields = new HashMap<>(FIELDS);
                        fields.put("type:configuration-disabled", "enabled");
                        return details(
                                exchange,
                                configuration,
                                FormErrors.of(problem, fields),
                                form.toSingleValueMap(),
                                model);
                    });
        });
    }

    @PostMapping("/configurations/{id}/enabled")
    Mono<String> enable(ServerWebExchange exchange, @PathVariable String id) {
        UUID configuration = id(id);
        return exchange.getFormData().flatMap(form -> {
            boolean enabled = "true".equals(value(form, "enabled"));
            return backend.tenant(exchange)
                    .send(
                            HttpMethod.PATCH,
                            Map.of("enabled", enabled),
                            Configuration.class,
                            "/v1/configurations/{id}",
                            configuration)
                    .then(Flash.notice(
                            exchange,
                            enabled
                                    ? "Enabled: the callback URL takes AXP's events again."
                                    : "Disabled: the callback URL refuses AXP's events until you enable it."))
                    .thenReturn("redirect:/configurations/" + configuration);
        });
    }

    private Mono<String> details(
            ServerWebExchange exchange, UUID id, FormErrors errors, Map<String, String> form, Model model) {
        if (errors.any()) {
            exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
        }
        Backend.Calls tenant = backend.tenant(exchange);
        Backend.Calls delivery = backend.delivery(exchange);
        return Mono.zip(
                        tenant.get(Configuration.class, "/v1/configurations/{id}", id),
                        tenant.get(CREDENTIALS, "/v1/credentials?limit=200"),
                        optional(delivery.get(
                                REFUSED, "/v1/configurations/{id}/refused-callbacks?limit=" + REFUSED_SHOWN, id)),
                        optional(delivery.get(SecretUsage.class, "/v1/configurations/{id}/secret-usage", id)))
                .map(found -> {
                    Configuration configuration = found.getT1();
                    List<Credential> credentials = found.getT2().items();
                    model.addAttribute("refused", found.getT3().map(Page::items).orElse(null));
                    model.addAttribute("usage", found.getT4().orElse(null));
                    model.addAttribute(
                            "safeToExpire",
                            found.getT4()
                                    .map(usage -> usage.safeToExpire(Instant.now()))
                                    .orElse(false));
                    model.addAttribute("quietMinutes", SecretUsage.QUIET.toMinutes());
                    model.addAttribute(
                            "previousEnded",
                            found.getT4()
                                    .map(usage -> usage.hasPrevious()
                                            && !usage.previousValidUntil().isAfter(Instant.now()))
                                    .orElse(false));
                    model.addAttribute("configuration", configuration);
                    model.addAttribute("credentials", credentials);
                    Map<UUID, String> names = new HashMap<>();
                    credentials.forEach(c -> names.put(c.id(), c.name() + " (" + c.kind() + ")"));
                    model.addAttribute("credentialNames", names);
                    model.addAttribute("errors", errors);
                    model.addAttribute("form", form == null ? formOf(configuration) : form);
                    return "configuration";
                });
    }

    /**
     * What delivery-service answered, or empty when it could not: the page is the control plane's,
     * and shows it without the refused callbacks and the secret usage rather than not at all.
     */
    private static <T> Mono<Optional<T>> optional(Mono<T> call) {
        return call.map(Optional::of).onErrorResume(error -> Mono.just(Optional.empty()));
    }

    /** The settings form's values for a configuration as stored. */
    private static Map<String, String> formOf(Configuration configuration) {
        Map<String, String> form = new HashMap<>();
        form.put("name", configuration.name());
        form.put("axpConfigurationId", nullToBlank(configuration.axpConfigurationId()));
        if (configuration.enabled()) {
            form.put("enabled", "on");
        }
        if (configuration.openRegistration()) {
            form.put("openRegistration", "on");
        }
        form.put("deliveryWindow", Long.toString(configuration.deliveryWindowMinutes()));
        form.put(
                "notificationTemplate.title",
                nullToBlank(configuration.notificationTemplate().title()));
        form.put(
                "notificationTemplate.body",
                nullToBlank(configuration.notificationTemplate().body()));
        form.put(
                "defaultCredentials.android",
                nullToBlank(configuration.defaultCredentials().android()));
        form.put(
                "defaultCredentials.ios",
                nullToBlank(configuration.defaultCredentials().ios()));
        return form;
    }

    /** The template preview, refreshed by htmx as the texts are typed. */
    @GetMapping("/configurations/{id}/preview")
    String preview(
            @RequestParam(name = "notificationTemplate.title", required = false) String title,
            @RequestParam(name = "notificationTemplate.body", required = false) String body,
            Model model) {
        model.addAttribute("previewTitle", title);
        model.addAttribute("previewBody", body);
        return "configuration :: preview";
    }

    /** The secret's one showing: after creation, or after a rotation (with the old secret's end). */
    @GetMapping("/configurations/{id}/secret")
    Mono<String> secret(
            ServerWebExchange exchange,
            @PathVariable String id,
            @RequestParam(required = false) String next,
            Model model) {
        UUID configuration = id(id);
        return Mono.zip(
                        backend.tenant(exchange).get(Configuration.class, "/v1/configurations/{id}", configuration),
                        Flash.take(exchange, "secret:" + configuration, String.class)
                                .map(secret -> new SecretRotated(secret, null))
                                .switchIfEmpty(Flash.take(exchange, "rotated:" + configuration, SecretRotated.class))
                                .map(java.util.Optional::of)
                                .defaultIfEmpty(java.util.Optional.empty()))
                .map(found -> {
                    model.addAttribute("configuration", found.getT1());
                    model.addAttribute("shown", found.getT2().orElse(null));
                    model.addAttribute("fromChecklist", "checklist".equals(next));
                    return "configuration-secret";
                });
    }

    @PostMapping("/configurations/{id}/secret/rotate")
    Mono<String> rotateSecret(ServerWebExchange exchange, @PathVariable String id) {
        UUID configuration = id(id);
        return backend.tenant(exchange)
                .send(
                        HttpMethod.POST,
                        null,
                        SecretRotated.class,
                        "/v1/configurations/{id}/secret:rotate",
                        configuration)
                .flatMap(rotated -> Flash.put(exchange, "rotated:" + configuration, rotated))
                .thenReturn("redirect:/configurations/" + configuration + "/secret");
    }

    @PostMapping("/configurations/{id}/secret/expire-previous")
    Mono<String> expirePrevious(ServerWebExchange exchange, @PathVariable String id) {
        UUID configuration = id(id);
        return backend.tenant(exchange)
                .send(HttpMethod.POST, null, "/v1/configurations/{id}/secret:expire-previous", configuration)
                .then(Flash.notice(exchange, "The previous secret no longer works: only the current one does."))
                .thenReturn("redirect:/configurations/" + configuration);
    }

    @GetMapping("/configurations/{id}/callback-key")
    Mono<String> confirmCallbackKey(ServerWebExchange exchange, @PathVariable String id, Model model) {
        return confirm(exchange, id, "callback-key", model);
    }

    @PostMapping("/configurations/{id}/callback-key")
    Mono<String> rotateCallbackKey(ServerWebExchange exchange, @PathVariable String id) {
        UUID configuration = id(id);
        return backend.tenant(exchange)
                .send(
                        HttpMethod.POST,
                        null,
                        Configuration.class,
                        "/v1/configurations/{id}/callback-key:rotate",
                        configuration)
                .then(Flash.notice(
                        exchange,
                        "The callback URL changed and the old one stopped working. Paste the new one into AXP now."))
                .thenReturn("redirect:/configurations/" + configuration);
    }

    @GetMapping("/configurations/{id}/delete")
    Mono<String> confirmDelete(ServerWebExchange exchange, @PathVariable String id, Model model) {
        return confirm(exchange, id, "delete", model);
    }

    @PostMapping("/configurations/{id}/delete")
    Mono<String> delete(ServerWebExchange exchange, @PathVariable String id) {
        UUID configuration = id(id);
        return backend.tenant(exchange)
                .get(Configuration.class, "/v1/configurations/{id}", configuration)
                .flatMap(found -> backend.tenant(exchange)
                        .send(HttpMethod.DELETE, null, "/v1/configurations/{id}", configuration)
                        .then(Flash.notice(exchange, "Configuration \"" + found.name() + "\" deleted.")))
                .thenReturn("redirect:/configurations");
    }

    private Mono<String> confirm(ServerWebExchange exchange, String id, String action, Model model) {
        return backend.tenant(exchange)
                .get(Configuration.class, "/v1/configurations/{id}", id(id))
                .map(configuration -> {
                    model.addAttribute("configuration", configuration);
                    model.addAttribute("action", action);
                    return "configuration-confirm";
                });
    }

    private static UUID id(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(404, null, null, "no such configuration", null);
        }
    }

    private static String value(MultiValueMap<String, String> form, String name) {
        String value = form.getFirst(name);
        return value == null ? "" : value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String nullToBlank(Object value) {
        return value == null ? "" : value.toString();
    }
}
