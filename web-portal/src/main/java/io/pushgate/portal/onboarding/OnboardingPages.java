package io.pushgate.portal.onboarding;

import io.pushgate.portal.attention.AttentionItems;
import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.backend.Backend;
import io.pushgate.portal.backend.Configuration;
import io.pushgate.portal.backend.CreatedAppClient;
import io.pushgate.portal.backend.Credential;
import io.pushgate.portal.web.Flash;
import io.pushgate.portal.web.FormErrors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The home page: the onboarding checklist until every step is done, each step ticked from live
 * state; the forms of its steps, whose errors are shown next to their fields on it.
 */
@Controller
class OnboardingPages {

    private final Checklists checklists;
    private final Backend backend;
    private final AttentionItems attention;

    OnboardingPages(Checklists checklists, Backend backend, AttentionItems attention) {
        this.checklists = checklists;
        this.backend = backend;
        this.attention = attention;
    }

    @GetMapping("/")
    Mono<String> home(ServerWebExchange exchange, @RequestParam(required = false) String configuration, Model model) {
        return home(exchange, id(configuration), FormErrors.none(), Map.of(), model);
    }

    /** Step 6's line alone, which the home page polls until AXP has called. */
    @GetMapping("/checklist/axp-status")
    Mono<String> axpStatus(
            ServerWebExchange exchange, @RequestParam(required = false) String configuration, Model model) {
        return checklists.load(exchange, id(configuration)).map(checklist -> {
            model.addAttribute("checklist", checklist);
            return "home :: axp-status";
        });
    }

    /** Step 1: a new configuration; its secret is shown once on the next page. */
    @PostMapping("/checklist/configurations")
    Mono<String> createConfiguration(ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            String name = value(form, "name");
            return backend.tenant(exchange)
                    .send(HttpMethod.POST, Map.of("name", name), Configuration.class, "/v1/configurations")
                    .flatMap(created -> Flash.put(exchange, "secret:" + created.id(), created.secret())
                            .thenReturn("redirect:/configurations/" + created.id() + "/secret?next=checklist"))
                    .onErrorResume(ApiProblem.class, problem -> refused(exchange, null, problem, form, model));
        });
    }

    /** Step 2: the Configuration Id AXP shows after saving. */
    @PostMapping("/checklist/axp-configuration-id")
    Mono<String> configurationId(ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            UUID configuration = id(value(form, "configuration"));
            String axpId = value(form, "axpConfigurationId").strip();
            if (axpId.isEmpty()) {
                return render(
                        exchange,
                        configuration,
                        FormErrors.field("axpConfigurationId", "Enter the Configuration Id that AXP shows."),
                        form,
                        model);
            }
            return backend.tenant(exchange)
                    .send(
                            HttpMethod.PATCH,
                            Map.of("axpConfigurationId", axpId),
                            Configuration.class,
                            "/v1/configurations/{id}",
                            configuration)
                    .then(Flash.notice(exchange, "Configuration Id saved."))
                    .thenReturn("redirect:/?configuration=" + configuration)
                    .onErrorResume(ApiProblem.class, problem -> refused(exchange, configuration, problem, form, model));
        });
    }

    /**
     * Step 3, the quickest way: the tenant's sandbox credential (made if it has none), as this
     * configuration's Android and iOS default. For a test push only ({@code platform=android}, from the
     * test step and the "test event not sent" page): the Android default alone, so that the test push
     * reaches the sandbox phone and iOS pushes keep their way — an unset iOS default that meant the
     * tenant's only credential is set to that credential, which a second credential would otherwise undo.
     */
    @PostMapping("/checklist/sandbox")
    Mono<String> sandbox(ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            UUID configuration = id(value(form, "configuration"));
            boolean androidOnly = "android".equals(value(form, "platform"));
            Backend.Calls tenant = backend.tenant(exchange);
            return Mono.zip(
                            tenant.get(Checklists.CREDENTIALS, "/v1/credentials?limit=200"),
                            tenant.get(Configuration.class, "/v1/configurations/{id}", configuration))
                    .flatMap(found -> {
                        List<Credential> credentials = found.getT1().items();
                        Configuration current = found.getT2();
                        return credentials.stream()
                                .filter(c -> "sandbox".equals(c.type()))
                                .findFirst()
                                .map(Mono::just)
                                .orElseGet(() -> tenant.send(
                                        HttpMethod.POST,
                                        Map.of("type", "sandbox", "name", "Sandbox"),
                                        Credential.class,
                                        "/v1/credentials"))
                                .flatMap(sandbox -> {
                                    Map<String, Object> defaults = new LinkedHashMap<>();
                                    defaults.put("android", sandbox.id().toString());
                                    if (!androidOnly) {
                                        defaults.put("ios", sandbox.id().toString());
                                    } else if (current.defaultCredentials().ios() == null
                                            && credentials.size() == 1
                                            && credentials.get(0).sendsToIos()
                                            && !credentials.get(0).id().equals(sandbox.id())) {
                                        defaults.put(
                                                "ios", credentials.get(0).id().toString());
                                    }
                                    return tenant.send(
                                            HttpMethod.PATCH,
                                            Map.of("defaultCredentials", defaults),
                                            Configuration.class,
                                            "/v1/configurations/{id}",
                                            configuration);
                                });
                    })
                    .then(Flash.notice(
                            exchange,
                            androidOnly
                                    ? "The sandbox is this configuration's Android credential: test pushes go to"
                                            + " Pushgate's sandbox phone, iOS pushes where they went before."
                                    : "The sandbox is this configuration's credential: pushes go to Pushgate's"
                                            + " sandbox phone."))
                    .thenReturn("redirect:" + localPath(value(form, "next"), "/?configuration=" + configuration))
                    .onErrorResume(ApiProblem.class, problem -> refused(exchange, configuration, problem, form, model));
        });
    }

    /** Step 4: an app client; its secret and the calls to make with it are shown once on the next page. */
    @PostMapping("/checklist/app-client")
    Mono<String> appClient(ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            UUID configuration = id(value(form, "configuration"));
            String name = value(form, "appName");
            return backend.tenant(exchange)
                    .send(HttpMethod.POST, Map.of("name", name), CreatedAppClient.class, "/v1/app-clients")
                    .flatMap(created -> Flash.put(exchange, "app-client:" + created.clientId(), created)
                            .thenReturn("redirect:/app-clients/" + created.clientId() + "/created?configuration="
                                    + configuration))
                    .onErrorResume(
                            ApiProblem.class,
                            problem ->
                                    refused(exchange, configuration, problem, form, model, Map.of("name", "appName")));
        });
    }

    /** Step 4, the open way: registrations without a token for this configuration. */
    @PostMapping("/checklist/open-registration")
    Mono<String> openRegistration(ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            UUID configuration = id(value(form, "configuration"));
            return backend.tenant(exchange)
                    .send(
                            HttpMethod.PATCH,
                            Map.of("openRegistration", true),
                            Configuration.class,
                            "/v1/configurations/{id}",
                            configuration)
                    .then(Flash.notice(exchange, "Open registration is on for this configuration."))
                    .thenReturn("redirect:/?configuration=" + configuration)
                    .onErrorResume(ApiProblem.class, problem -> refused(exchange, configuration, problem, form, model));
        });
    }

    private Mono<String> refused(
            ServerWebExchange exchange,
            UUID configuration,
            ApiProblem problem,
            MultiValueMap<String, String> form,
            Model model) {
        return refused(exchange, configuration, problem, form, model, Map.of());
    }

    private Mono<String> refused(
            ServerWebExchange exchange,
            UUID configuration,
            ApiProblem problem,
            MultiValueMap<String, String> form,
            Model model,
            Map<String, String> aliases) {
        Map<String, String> fields = new LinkedHashMap<>(aliases);
        fields.put("type:axp-configuration-id-taken", "axpConfigurationId");
        return render(exchange, configuration, FormErrors.of(problem, fields), form, model);
    }

    private Mono<String> render(
            ServerWebExchange exchange,
            UUID configuration,
            FormErrors errors,
            MultiValueMap<String, String> form,
            Model model) {
        exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
        return home(exchange, configuration, errors, form.toSingleValueMap(), model);
    }

    private Mono<String> home(
            ServerWebExchange exchange, UUID configuration, FormErrors errors, Map<String, String> form, Model model) {
        return checklists.load(exchange, configuration).zipWith(attention.load(exchange), (checklist, health) -> {
            model.addAttribute("checklist", checklist);
            model.addAttribute("health", health);
            model.addAttribute("errors", errors);
            model.addAttribute("form", form);
            return "home";
        });
    }

    static UUID id(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code path} when it is a path of this site ("/…", not "//…"), else {@code otherwise}: never an open redirect. */
    static String localPath(String path, String otherwise) {
        return path.startsWith("/") && !path.startsWith("//") && !path.contains("\\") ? path : otherwise;
    }

    static String value(MultiValueMap<String, String> form, String name) {
        return value(form, name, "");
    }

    private static String value(MultiValueMap<String, String> form, String name, String otherwise) {
        String value = form.getFirst(name);
        return value == null || value.isEmpty() ? otherwise : value;
    }
}
