package io.pushgate.portal.onboarding;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.session.SessionEnded;
import java.time.Duration;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * "Send a test event" and its live view: the page shows each stage as it is now (without JavaScript,
 * "Check again" shows the next); with JavaScript, server-sent events update it as each stage completes.
 */
@Controller
class TestRunPages {

    private static final Duration POLL = Duration.ofMillis(700);
    private static final Duration WATCH = Duration.ofSeconds(90);

    private final TestRuns runs;
    private final JsonMapper json;

    TestRunPages(TestRuns runs, JsonMapper json) {
        this.runs = runs;
        this.json = json;
    }

    @PostMapping("/configurations/{id}/test-events")
    Mono<String> send(ServerWebExchange exchange, @PathVariable String id, Model model) {
        UUID configuration = OnboardingPages.id(id);
        if (configuration == null) {
            return Mono.error(new ApiProblem(404, null, null, "no such configuration", null));
        }
        return runs.start(exchange, configuration)
                .map(run -> "redirect:/test-runs/" + run.id())
                .onErrorResume(TestRuns.NotReady.class, notReady -> {
                    exchange.getResponse().setStatusCode(HttpStatus.CONFLICT);
                    model.addAttribute("configurationId", configuration);
                    model.addAttribute("reason", notReady.reason());
                    model.addAttribute("fix", notReady.fix());
                    model.addAttribute("offerSandbox", notReady.offerSandbox());
                    return Mono.just("test-not-ready");
                });
    }

    @GetMapping("/test-runs/{id}")
    Mono<String> run(ServerWebExchange exchange, @PathVariable String id, Model model) {
        return runs.find(exchange, id)
                .switchIfEmpty(Mono.error(() -> new ApiProblem(
                        404, null, null, "this test event is not one of this session's; send a new one", null)))
                .flatMap(run -> runs.progress(exchange, run).map(progress -> {
                    model.addAttribute("run", run);
                    model.addAttribute("progress", progress);
                    return "test-run";
                }));
    }

    /** The run's progress as server-sent events ({@code progress}, JSON), until it ends or 90 s pass. */
    @GetMapping(value = "/test-runs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    Flux<ServerSentEvent<String>> events(ServerWebExchange exchange, @PathVariable String id) {
        return runs.find(exchange, id)
                .flatMapMany(run -> Flux.interval(Duration.ZERO, POLL)
                        .onBackpressureDrop()
                        .concatMap(tick ->
                                runs.progress(exchange, run).onErrorResume(ApiProblem.class, problem -> Mono.empty()))
                        .distinctUntilChanged()
                        .takeUntil(TestProgress::finished)
                        .take(WATCH))
                .map(progress -> ServerSentEvent.builder(json.writeValueAsString(progress))
                        .event("progress")
                        .build())
                .onErrorResume(
                        SessionEnded.class,
                        ended -> Flux.just(
                                ServerSentEvent.builder("{}").event("ended").build()));
    }
}
