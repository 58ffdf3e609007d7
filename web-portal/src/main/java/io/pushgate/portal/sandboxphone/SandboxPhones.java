package io.pushgate.portal.sandboxphone;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.backend.Backend;
import io.pushgate.portal.backend.Configuration;
import io.pushgate.portal.backend.Credential;
import io.pushgate.portal.backend.Page;
import io.pushgate.portal.backend.SandboxMessage;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Sandbox phones: the portal registers a device for a session id through delivery-service's
 * registration API ({@code PUT /v1/device-registrations/{token}}), as an iOS app that receives its
 * pushes through FCM — so that each push carries the configuration's visible title and body, as a
 * customer's phone shows them — and the pushes are what the sandbox (the FCM emulator) received for
 * that token ({@code GET /v1/sandbox/messages}). Only a configuration whose iOS-through-FCM pushes go
 * through the sandbox credential gets a phone: anything else would send to Google.
 */
@Service
class SandboxPhones {

    static final ParameterizedTypeReference<Page<Configuration>> CONFIGURATIONS = new ParameterizedTypeReference<>() {};
    static final ParameterizedTypeReference<Page<Credential>> CREDENTIALS = new ParameterizedTypeReference<>() {};
    private static final ParameterizedTypeReference<Page<SandboxMessage>> MESSAGES =
            new ParameterizedTypeReference<>() {};
    private static final String PHONES = SandboxPhones.class.getName();
    private static final int KEPT_PHONES = 10;
    /** How many of the tenant's newest sandbox messages are searched for a phone's pushes. */
    static final int SEARCHED_MESSAGES = 200;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Why no phone was started, and what to do about it. */
    public static final class NotReady extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String field;
        private final String fix;

        NotReady(String field, String reason, String fix) {
            super(reason, null, false, false);
            this.field = field;
            this.fix = fix;
        }

        public String field() {
            return field;
        }

        public String reason() {
            return getMessage();
        }

        public String fix() {
            return fix;
        }
    }

    private final Backend backend;
    private final Clock clock;

    SandboxPhones(Backend backend, Clock clock) {
        this.backend = backend;
        this.clock = clock;
    }

    /** Registers a sandbox device for {@code sessionId} of the configuration, and keeps the phone in the session. */
    Mono<SandboxPhone> start(ServerWebExchange exchange, UUID configurationId, String sessionId) {
        Backend.Calls tenant = backend.tenant(exchange);
        return Mono.zip(
                        tenant.get(Configuration.class, "/v1/configurations/{id}", configurationId),
                        tenant.get(CREDENTIALS, "/v1/credentials?limit=200"))
                .onErrorMap(
                        problem -> problem instanceof ApiProblem api && api.status() == 404,
                        missing -> new NotReady("configuration", "No such configuration.", "Choose one of the list."))
                .flatMap(found -> {
                    Configuration configuration = found.getT1();
                    check(configuration, found.getT2().items());
                    String token = random(16) + ":APA91b" + random(105);
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("configId", configuration.axpConfigurationId());
                    body.put("sessionId", sessionId);
                    body.put("platform", "ios");
                    body.put("provider", "fcm");
                    return backend.delivery(exchange)
                            .send(HttpMethod.PUT, body, "/v1/device-registrations/{token}", token)
                            .onErrorMap(
                                    problem -> problem instanceof ApiProblem api && "sessionId".equals(api.field()),
                                    problem -> new NotReady(
                                            "sessionId",
                                            ((ApiProblem) problem).message(),
                                            "Use the session id as the Omni SDK names it: at most 128 characters."))
                            .then(Mono.fromSupplier(() -> new SandboxPhone(
                                    UUID.randomUUID().toString(),
                                    configuration.id(),
                                    configuration.name(),
                                    sessionId,
                                    token,
                                    clock.instant())));
                })
                .flatMap(phone -> remember(exchange, phone).thenReturn(phone));
    }

    /** Refuses a configuration whose pushes to the phone would not reach the sandbox, saying why and what to do. */
    static void check(Configuration configuration, List<Credential> credentials) {
        if (configuration.axpConfigurationId() == null) {
            throw new NotReady(
                    "configuration",
                    "This configuration has no AXP Configuration Id yet; the phone registers with it.",
                    "Enter the Configuration Id that AXP shows on the Get started page (step 2).");
        }
        Optional<Credential> credential = iosThroughFcm(configuration, credentials);
        if (credential.isEmpty() || !"sandbox".equals(credential.get().type())) {
            throw new NotReady(
                    "configuration",
                    credential.isEmpty()
                            ? "This configuration has no credential that sends to the sandbox."
                            : "This configuration sends through \""
                                    + credential.get().name() + "\" ("
                                    + credential.get().kind() + "), which cannot reach the sandbox phone.",
                    "Make the sandbox credential this configuration's iOS (or Android) default on its page, or use"
                            + " \"Use the sandbox\" on Get started; you can switch back afterwards.");
        }
    }

    /**
     * The credential delivery-service sends an iOS device's FCM push through: the configuration's iOS
     * default if it sends through FCM (FCM or sandbox), else its Android default if that does; a default
     * left unset means the tenant's only credential, if it has exactly one.
     */
    static Optional<Credential> iosThroughFcm(Configuration configuration, List<Credential> credentials) {
        Optional<Credential> ios = resolve(configuration.defaultCredentials().ios(), credentials);
        Optional<Credential> android =
                resolve(configuration.defaultCredentials().android(), credentials);
        return ios.filter(Credential::sendsToAndroid).or(() -> android.filter(Credential::sendsToAndroid));
    }

    private static Optional<Credential> resolve(UUID id, List<Credential> credentials) {
        if (id != null) {
            return credentials.stream().filter(c -> c.id().equals(id)).findFirst();
        }
        return credentials.size() == 1 ? Optional.of(credentials.get(0)) : Optional.empty();
    }

    /** The pushes the phone received, newest first. */
    Mono<List<Push>> pushes(ServerWebExchange exchange, SandboxPhone phone) {
        return backend.delivery(exchange)
                .get(MESSAGES, "/v1/sandbox/messages?limit={limit}", SEARCHED_MESSAGES)
                .map(page -> page.items().stream()
                        .filter(message -> phone.deviceToken().equals(message.deviceToken()))
                        .map(SandboxPhones::push)
                        .toList());
    }

    static Push push(SandboxMessage message) {
        JsonNode fcm = message.message();
        JsonNode notification = fcm.path("notification");
        List<Push.Field> data = new ArrayList<>();
        fcm.path("data")
                .properties()
                .forEach(field ->
                        data.add(new Push.Field(field.getKey(), field.getValue().asString(""))));
        return new Push(
                message.id(),
                notification.path("title").asString(""),
                notification.path("body").asString(""),
                List.copyOf(data),
                message.receivedAt());
    }

    /** The phone {@code id} of this session, if it is one. */
    Mono<SandboxPhone> find(ServerWebExchange exchange, String id) {
        return exchange.getSession().mapNotNull(session -> {
            Map<String, SandboxPhone> phones = session.getAttribute(PHONES);
            if (phones == null) {
                return null;
            }
            synchronized (phones) {
                return phones.get(id);
            }
        });
    }

    /** This session's phones, the newest first. */
    Mono<List<SandboxPhone>> all(ServerWebExchange exchange) {
        return exchange.getSession().map(session -> {
            Map<String, SandboxPhone> phones = session.getAttribute(PHONES);
            if (phones == null) {
                return List.of();
            }
            synchronized (phones) {
                List<SandboxPhone> newestFirst = new ArrayList<>(phones.values());
                java.util.Collections.reverse(newestFirst);
                return newestFirst;
            }
        });
    }

    private Mono<Void> remember(ServerWebExchange exchange, SandboxPhone phone) {
        return exchange.getSession()
                .doOnNext(session -> {
                    @SuppressWarnings("unchecked")
                    Map<String, SandboxPhone> phones = (Map<String, SandboxPhone>) session.getAttributes()
                            .computeIfAbsent(PHONES, name -> new LinkedHashMap<String, SandboxPhone>());
                    synchronized (phones) {
                        phones.put(phone.id(), phone);
                        List<String> ids = new ArrayList<>(phones.keySet());
                        for (int i = 0; i < ids.size() - KEPT_PHONES; i++) {
                            phones.remove(ids.get(i));
                        }
                    }
                })
                .then();
    }

    static String random(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
