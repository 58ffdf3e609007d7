package io.pushgate.portal.onboarding;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.backend.Backend;
import io.pushgate.portal.backend.Configuration;
import io.pushgate.portal.backend.Credential;
import io.pushgate.portal.backend.Notification;
import io.pushgate.portal.backend.Page;
import io.pushgate.portal.backend.SandboxMessage;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The test event. The portal registers a sandbox device for a new test session through
 * delivery-service's registration API, has tenant-service sign an event exactly as AXP does (the
 * secret stays there), POSTs it to the configuration's public callback URL as AXP would, and then
 * watches it through the read API: stored, attempted, delivered, and what the sandbox device got.
 * A configuration whose pushes would not reach the sandbox gets no test event: {@link NotReady} says
 * what to fix instead.
 */
@Service
class TestRuns {

    private static final Logger log = LoggerFactory.getLogger(TestRuns.class);
    private static final String RUNS = TestRuns.class.getName();
    private static final int KEPT_RUNS = 10;
    private static final int MAX_ANSWER = 300;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ParameterizedTypeReference<Page<SandboxMessage>> SANDBOX_MESSAGES =
            new ParameterizedTypeReference<>() {};

    /** Why no test event was sent, and what the tenant should do about it. */
    static final class NotReady extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String fix;
        private final boolean offerSandbox;

        NotReady(String reason, String fix, boolean offerSandbox) {
            super(reason, null, false, false);
            this.fix = fix;
            this.offerSandbox = offerSandbox;
        }

        String reason() {
            return getMessage();
        }

        String fix() {
            return fix;
        }

        /** Whether adding (or choosing) the sandbox credential is the fix. */
        boolean offerSandbox() {
            return offerSandbox;
        }
    }

    record SignedTestEvent(String callbackUrl, String body, String signature, String eventId, String sessionId) {
        @Override
        public String toString() {
            return "SignedTestEvent[eventId=" + eventId + "]";
        }
    }

    private final Backend backend;
    private final WebClient callbacks;
    private final JsonMapper json;
    private final Clock clock;

    TestRuns(Backend backend, WebClient.Builder builder, JsonMapper json, Clock clock) {
        this.backend = backend;
        this.callbacks = builder.clone().build();
        this.json = json;
        this.clock = clock;
    }

    /** Checks the configuration, sends its test event, and remembers the run in the session. */
    Mono<TestRun> start(ServerWebExchange exchange, UUID configurationId) {
        Backend.Calls tenant = backend.tenant(exchange);
        return Mono.zip(
                        tenant.get(Configuration.class, "/v1/configurations/{id}", configurationId),
                        tenant.get(Checklists.CREDENTIALS, "/v1/credentials?limit=200"))
                .flatMap(found -> {
                    Configuration configuration = found.getT1();
                    check(configuration, found.getT2().items());
                    return tenant.send(
                                    HttpMethod.POST,
                                    Map.of(),
                                    SignedTestEvent.class,
                                    "/v1/configurations/{id}/test-events",
                                    configurationId)
                            .onErrorMap(
                                    ApiProblem.class,
                                    problem -> problem.status() == 409
                                            ? new NotReady(sentence(problem.message()), null, false)
                                            : problem)
                            .flatMap(signed -> register(exchange, configuration, signed.sessionId())
                                    .flatMap(device -> post(signed)
                                            .map(answer -> new TestRun(
                                                    UUID.randomUUID().toString(),
                                                    configuration.id(),
                                                    configuration.name(),
                                                    signed.callbackUrl(),
                                                    signed.eventId(),
                                                    signed.sessionId(),
                                                    device,
                                                    answer.status(),
                                                    answer.text(),
                                                    clock.instant()))));
                })
                .flatMap(run -> remember(exchange, run).thenReturn(run));
    }

    /** Refuses a configuration whose test push could not arrive, saying why and what to do. */
    static void check(Configuration configuration, List<Credential> credentials) {
        if (!configuration.enabled()) {
            throw new NotReady(
                    "The configuration is disabled, so its callback URL takes no events.",
                    "Enable it on the configuration's page, then send the test event again.",
                    false);
        }
        if (configuration.axpConfigurationId() == null) {
            throw new NotReady(
                    "The configuration has no AXP Configuration Id yet; the test device registers with it.",
                    "Enter the Configuration Id that AXP shows after saving the configuration (step 2).",
                    false);
        }
        Optional<Credential> credential = SandboxCheck.androidCredential(configuration, credentials);
        if (credential.isEmpty()) {
            throw new NotReady(
                    SandboxCheck.whyNoAndroid(configuration, credentials),
                    credentials.isEmpty()
                            ? "The test device is Pushgate's sandbox phone: use the sandbox, which adds the sandbox"
                                    + " credential and makes it this configuration's Android credential."
                            : "The test device is Pushgate's sandbox phone: for the test, make the sandbox this"
                                    + " configuration's Android credential (the button adds the sandbox credential"
                                    + " if the tenant has none). Its iOS pushes keep going where they go now.",
                    true);
        }
        if (!"sandbox".equals(credential.get().type())) {
            throw new NotReady(
                    "This configuration sends Android pushes through \""
                            + credential.get().name() + "\" ("
                            + credential.get().kind() + "), which cannot reach Pushgate's sandbox phone, the test"
                            + " device. A test push would be refused by the real provider.",
                    "Use the sandbox for the test: make the sandbox credential this configuration's Android default"
                            + " (you can switch back after the test).",
                    true);
        }
    }

    /** The test device: a sandbox registration of a new FCM-shaped token for the test session. */
    private Mono<String> register(ServerWebExchange exchange, Configuration configuration, String sessionId) {
        String token = random(16) + ":APA91b" + random(105);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("configId", configuration.axpConfigurationId());
        body.put("sessionId", sessionId);
        body.put("platform", "android");
        body.put("provider", "fcm");
        return backend.delivery(exchange)
                .send(HttpMethod.PUT, body, "/v1/device-registrations/{token}", token)
                .thenReturn(shortened(token));
    }

    private record Answer(int status, String text) {}

    /** POSTs the signed event to the public callback URL exactly as AXP would. */
    private Mono<Answer> post(SignedTestEvent signed) {
        return callbacks
                .post()
                .uri(java.net.URI.create(signed.callbackUrl()))
                .contentType(MediaType.APPLICATION_JSON)
                .header("X-hmac", signed.signature())
                .bodyValue(signed.body())
                .exchangeToMono(response -> response.bodyToMono(String.class)
                        .defaultIfEmpty("")
                        .map(text -> new Answer(response.statusCode().value(), describe(text))))
                .timeout(Duration.ofSeconds(10))
                .onErrorResume(error -> {
                    log.warn("Test event: the callback URL did not answer: {}", error.toString());
                    return Mono.just(new Answer(
                            0,
                            "no answer from " + signed.callbackUrl() + " ("
                                    + error.getClass().getSimpleName() + ")"));
                });
    }

    /** How far the run got now. */
    Mono<TestProgress> progress(ServerWebExchange exchange, TestRun run) {
        TestProgress.Stage callback = run.callbackAccepted()
                ? stage("callback", "done", "Answered " + run.callbackStatus() + ": " + run.callbackAnswer())
                : stage(
                        "callback",
                        "failed",
                        run.callbackStatus() == 0
                                ? "No answer: " + run.callbackAnswer()
                                : "Answered " + run.callbackStatus() + ": " + run.callbackAnswer());
        if (!run.callbackAccepted()) {
            return Mono.just(new TestProgress(
                    List.of(callback, waiting("stored"), waiting("attempt"), waiting("delivered")),
                    true,
                    false,
                    null,
                    run.callbackStatus() == 0
                            ? "The portal could not reach the callback URL. It must be reachable from here as from"
                                    + " AXP: check the platform's public address (PUSHGATE_PUBLIC_BASE_URL)."
                            : "The callback URL refused the event; its answer above says why."));
        }
        Backend.Calls delivery = backend.delivery(exchange);
        return delivery.get(
                        Checklists.NOTIFICATIONS,
                        "/v1/notifications?configurationId={configuration}&eventId={event}&limit=1",
                        run.configurationId(),
                        run.eventId())
                .flatMap(page -> {
                    if (page.items().isEmpty()) {
                        return Mono.just(new TestProgress(
                                List.of(
                                        callback,
                                        stage("stored", "waiting", "Waiting for the notification to be stored …"),
                                        waiting("attempt"),
                                        waiting("delivered")),
                                false,
                                false,
                                null,
                                null));
                    }
                    return delivery.get(
                                    Notification.class,
                                    "/v1/notifications/{id}",
                                    page.items().get(0).id())
                            .flatMap(notification -> afterStored(exchange, run, callback, notification));
                });
    }

    private Mono<TestProgress> afterStored(
            ServerWebExchange exchange, TestRun run, TestProgress.Stage callback, Notification notification) {
        TestProgress.Stage stored = stage("stored", "done", "Stored as notification " + notification.id() + ".");
        List<Notification.Attempt> attempts = notification.attempts();
        String status = notification.status();
        TestProgress.Stage attempt;
        if (attempts.isEmpty()) {
            attempt = "no_device".equals(status)
                    ? stage("attempt", "failed", "Not sent: no device is registered for the test session.")
                    : stage("attempt", "waiting", "Waiting for the push to be sent …");
        } else {
            Notification.Attempt last = attempts.get(attempts.size() - 1);
            String text = "Sent through " + last.provider() + ": "
                    + last.outcome().replace('_', ' ')
                    + (last.errorCode() == null ? "" : " (" + last.errorCode() + ")") + " after "
                    + Math.round(last.latencyMs()) + " ms" + (attempts.size() > 1 ? ", attempt " + attempts.size() : "")
                    + ".";
            attempt = stage("attempt", "delivered".equals(last.outcome()) ? "done" : "failed", text);
        }
        if ("delivered".equals(status)) {
            return payload(exchange, run)
                    .map(payload -> new TestProgress(
                            List.of(
                                    callback,
                                    stored,
                                    attempt,
                                    stage(
                                            "delivered",
                                            "done",
                                            "Delivered to the sandbox phone (" + run.device() + ").")),
                            true,
                            true,
                            payload.orElse(null),
                            null));
        }
        boolean ended =
                List.of("no_device", "token_invalid", "failed", "expired").contains(status);
        if (ended) {
            return Mono.just(new TestProgress(
                    List.of(callback, stored, attempt, stage("delivered", "failed", "Not delivered: " + status + ".")),
                    true,
                    false,
                    null,
                    hint(status, attempts)));
        }
        return Mono.just(new TestProgress(
                List.of(
                        callback,
                        stored,
                        attempt,
                        stage(
                                "delivered",
                                "waiting",
                                "retrying".equals(status)
                                        ? "The provider asked to retry; waiting for the next attempt …"
                                        : "Waiting for the sandbox to receive it …")),
                false,
                false,
                null,
                null));
    }

    /** What the sandbox phone received, its device token shortened; empty until the sandbox lists it. */
    private Mono<Optional<String>> payload(ServerWebExchange exchange, TestRun run) {
        return backend.delivery(exchange)
                .get(SANDBOX_MESSAGES, "/v1/sandbox/messages?limit=50")
                .map(page -> page.items().stream()
                        .filter(message -> run.eventId()
                                .equals(message.message()
                                        .path("data")
                                        .path("eventId")
                                        .asString(null)))
                        .findFirst()
                        .map(message -> pretty(message.message())))
                .onErrorResume(ApiProblem.class, unavailable -> Mono.just(Optional.empty()));
    }

    private String pretty(JsonNode message) {
        JsonNode copy = message.deepCopy();
        if (copy instanceof ObjectNode object && object.hasNonNull("token")) {
            object.put("token", shortened(object.get("token").asString()));
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(copy);
    }

    private static String hint(String status, List<Notification.Attempt> attempts) {
        String code =
                attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).errorCode();
        return switch (status) {
            case "no_device" -> "The test device's registration was not found for the session. Send the test again.";
            case "token_invalid" -> "The provider refused the device token (" + code + ").";
            case "expired" -> "The push could not be delivered within the configuration's delivery window.";
            default ->
                "no_credential".equals(code)
                        ? "The configuration has no credential for Android: choose one on its page."
                        : "The provider refused the push (" + code + "). Check the credential on the Credentials page.";
        };
    }

    private static TestProgress.Stage stage(String key, String state, String text) {
        return new TestProgress.Stage(key, title(key), state, text);
    }

    private static TestProgress.Stage waiting(String key) {
        return new TestProgress.Stage(key, title(key), "pending", "");
    }

    private static String title(String key) {
        return switch (key) {
            case "callback" -> "Callback URL answered";
            case "stored" -> "Notification stored";
            case "attempt" -> "Push sent";
            default -> "Delivered to the device";
        };
    }

    /** The run {@code id} of this session, if it is one. */
    Mono<TestRun> find(ServerWebExchange exchange, String id) {
        return exchange.getSession().mapNotNull(session -> {
            Map<String, TestRun> runs = session.getAttribute(RUNS);
            if (runs == null) {
                return null;
            }
            synchronized (runs) {
                return runs.get(id);
            }
        });
    }

    private Mono<Void> remember(ServerWebExchange exchange, TestRun run) {
        return exchange.getSession()
                .doOnNext(session -> {
                    @SuppressWarnings("unchecked")
                    Map<String, TestRun> runs = (Map<String, TestRun>)
                            session.getAttributes().computeIfAbsent(RUNS, name -> new LinkedHashMap<String, TestRun>());
                    synchronized (runs) {
                        runs.put(run.id(), run);
                        List<String> ids = new ArrayList<>(runs.keySet());
                        for (int i = 0; i < ids.size() - KEPT_RUNS; i++) {
                            runs.remove(ids.get(i));
                        }
                    }
                })
                .then();
    }

    /** The callback's answer in a line: its status or problem detail, shortened. */
    private String describe(String body) {
        String text = body;
        try {
            JsonNode answer = json.readTree(body);
            if (answer.hasNonNull("detail")) {
                text = answer.get("detail").asString();
            } else if (answer.isObject()) {
                text = answer.toString();
            }
        } catch (RuntimeException notJson) {
            // shown as text
        }
        text = text.replaceAll("[\\p{Cntrl}]", " ").strip();
        return text.length() > MAX_ANSWER ? text.substring(0, MAX_ANSWER) + " …" : text;
    }

    static String shortened(String token) {
        return token.length() <= 8 ? "…" : token.substring(0, 6) + "…(" + token.length() + " characters)";
    }

    private static String sentence(String text) {
        String trimmed = text.strip();
        String first = trimmed.isEmpty()
                ? ""
                : trimmed.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + trimmed.substring(1);
        return first.endsWith(".") ? first : first + ".";
    }

    private static String random(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
