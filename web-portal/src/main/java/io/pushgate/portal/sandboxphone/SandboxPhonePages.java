package io.pushgate.portal.sandboxphone;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.backend.Backend;
import io.pushgate.portal.backend.Configuration;
import io.pushgate.portal.session.SessionEnded;
import io.pushgate.portal.web.LiveEvents;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /sandbox-phone}: start a sandbox phone for a session id of a configuration; {@code
 * /sandbox-phone/{id}}: the phone, with each push it received, the newest first. Without JavaScript,
 * "Check again" shows new pushes; with it, the page listens to {@code /sandbox-phone/{id}/events}
 * (server-sent events, htmx's SSE extension) and fetches the list ({@code /sandbox-phone/{id}/pushes})
 * each time a push arrives.
 */
@Controller
class SandboxPhonePages {

    private static final String SESSION_ENDED = "Your session ended: sign in again to see new pushes.";

    private final SandboxPhones phones;
    private final Backend backend;

    SandboxPhonePages(SandboxPhones phones, Backend backend) {
        this.phones = phones;
        this.backend = backend;
    }

    @GetMapping("/sandbox-phone")
    Mono<String> start(ServerWebExchange exchange, @RequestParam(required = false) String configuration, Model model) {
        return form(exchange, configuration, null, Map.of(), model);
    }

    @PostMapping("/sandbox-phone")
    Mono<String> create(ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            String configuration = value(form, "configuration");
            String sessionId = value(form, "sessionId");
            if (sessionId.isEmpty()) {
                sessionId = "sandbox-phone-" + SandboxPhones.random(9);
            }
            UUID configurationId = id(configuration);
            if (configurationId == null) {
                return refused(
                        exchange,
                        configuration,
                        sessionId,
                        new SandboxPhones.NotReady("configuration", "Choose a configuration.", null),
                        model);
            }
            String session = sessionId;
            return phones.start(exchange, configurationId, sessionId)
                    .map(phone -> "redirect:/sandbox-phone/" + phone.id())
                    .onErrorResume(
                            SandboxPhones.NotReady.class,
                            notReady -> refused(exchange, configuration, session, notReady, model));
        });
    }

    private Mono<String> refused(
            ServerWebExchange exchange,
            String configuration,
            String sessionId,
            SandboxPhones.NotReady notReady,
            Model model) {
        exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
        return form(exchange, configuration, notReady, Map.of("sessionId", sessionId), model);
    }

    private Mono<String> form(
            ServerWebExchange exchange,
            String configuration,
            SandboxPhones.NotReady notReady,
            Map<String, String> form,
            Model model) {
        return backend.tenant(exchange)
                .get(SandboxPhones.CONFIGURATIONS, "/v1/configurations?limit=200")
                .zipWith(phones.all(exchange))
                .map(found -> {
                    List<Configuration> usable = found.getT1().items().stream()
                            .filter(c -> c.axpConfigurationId() != null)
                            .toList();
                    model.addAttribute("configurations", usable);
                    model.addAttribute("chosen", configuration);
                    model.addAttribute("phones", found.getT2());
                    model.addAttribute("notReady", notReady);
                    model.addAttribute("form", form);
                    return "sandbox-phone-start";
                });
    }

    @GetMapping("/sandbox-phone/{id}")
    Mono<String> phone(ServerWebExchange exchange, @PathVariable String id, Model model) {
        return found(exchange, id)
                .flatMap(phone -> pushes(exchange, phone, model).thenReturn("sandbox-phone"));
    }

    /** The pushes alone, for the live page. */
    @GetMapping("/sandbox-phone/{id}/pushes")
    Mono<String> list(ServerWebExchange exchange, @PathVariable String id, Model model) {
        return found(exchange, id)
                .flatMap(phone -> pushes(exchange, phone, model).thenReturn("sandbox-phone :: pushes"));
    }

    private Mono<Void> pushes(ServerWebExchange exchange, SandboxPhone phone, Model model) {
        model.addAttribute("phone", phone);
        return phones.pushes(exchange, phone)
                .doOnNext(pushes -> {
                    model.addAttribute("pushes", pushes);
                    model.addAttribute("sandboxAnswers", true);
                })
                .onErrorResume(problem -> problem instanceof ApiProblem api && api.status() >= 500, unavailable -> {
                    model.addAttribute("pushes", List.of());
                    model.addAttribute("sandboxAnswers", false);
                    return Mono.empty();
                })
                .then();
    }

    /**
     * {@code push} whenever the phone's pushes changed, the first time at once ({@link LiveEvents});
     * {@code ended}, with words to show, when the member's session ended.
     */
    @GetMapping(value = "/sandbox-phone/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    Flux<ServerSentEvent<String>> events(ServerWebExchange exchange, @PathVariable String id) {
        return phones.find(exchange, id)
                .flatMapMany(phone -> LiveEvents.changes(
                        "push",
                        () -> phones.pushes(exchange, phone)
                                .map(pushes -> pushes.stream().map(Push::id).toList()),
                        pushes -> false,
                        SESSION_ENDED))
                .onErrorResume(
                        SessionEnded.class,
                        ended -> Flux.just(ServerSentEvent.builder(SESSION_ENDED)
                                .event(LiveEvents.ENDED)
                                .build()));
    }

    private Mono<SandboxPhone> found(ServerWebExchange exchange, String id) {
        return phones.find(exchange, id)
                .switchIfEmpty(Mono.error(() -> new ApiProblem(
                        404, null, null, "this sandbox phone is not one of this session's; start a new one", null)));
    }

    private static String value(MultiValueMap<String, String> form, String name) {
        String value = form.getFirst(name);
        return value == null ? "" : value.strip();
    }

    private static UUID id(String value) {
        try {
            return value == null || value.isBlank() ? null : UUID.fromString(value);
        } catch (IllegalArgumentException notAnId) {
            return null;
        }
    }
}
