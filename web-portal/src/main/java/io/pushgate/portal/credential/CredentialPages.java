package io.pushgate.portal.credential;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.backend.Backend;
import io.pushgate.portal.backend.Configuration;
import io.pushgate.portal.backend.Credential;
import io.pushgate.portal.backend.Page;
import io.pushgate.portal.web.Flash;
import io.pushgate.portal.web.FormErrors;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code /credentials}: add (file uploads: the FCM service-account JSON, the APNs {@code .p8} key or
 * {@code .p12} certificate), replace, test and delete provider credentials. A saved credential is
 * tested at once through delivery-service, and the answer shown in words with what to fix.
 */
@Controller
class CredentialPages {

    static final ParameterizedTypeReference<Page<Credential>> CREDENTIALS = new ParameterizedTypeReference<>() {};
    static final ParameterizedTypeReference<Page<Configuration>> CONFIGURATIONS = new ParameterizedTypeReference<>() {};

    /** The API's material fields are files in the forms. */
    private static final Map<String, String> FIELDS = Map.of(
            "serviceAccountJson", "serviceAccountFile",
            "p8Key", "p8File",
            "certificate", "p12File");

    private final Backend backend;

    CredentialPages(Backend backend) {
        this.backend = backend;
    }

    @GetMapping("/credentials")
    Mono<String> list(ServerWebExchange exchange, Model model) {
        return list(exchange, null, FormErrors.none(), Map.of(), model);
    }

    @PostMapping("/credentials")
    Mono<String> create(ServerWebExchange exchange, Model model) {
        return exchange.getMultipartData()
                .flatMap(parts -> read(parts).flatMap(form -> {
                    String kind = form.getOrDefault("kind", "");
                    Map<String, Object> body;
                    try {
                        body = body(kind, form);
                    } catch (IllegalArgumentException e) {
                        return list(exchange, kind, FormErrors.field("kind", e.getMessage()), form, model);
                    }
                    return backend.tenant(exchange)
                            .send(HttpMethod.POST, body, Credential.class, "/v1/credentials")
                            .flatMap(saved -> tested(exchange, saved, "Credential \"" + saved.name() + "\" added."))
                            .onErrorResume(ApiProblem.class, problem -> {
                                exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
                                return list(exchange, kind, FormErrors.of(problem, FIELDS, shown(kind)), form, model);
                            });
                }));
    }

    @PostMapping("/credentials/{id}/test")
    Mono<String> test(ServerWebExchange exchange, @PathVariable String id) {
        UUID credential = id(id);
        return backend.tenant(exchange)
                .get(Credential.class, "/v1/credentials/{id}", credential)
                .flatMap(found -> tested(exchange, found, null));
    }

    @GetMapping("/credentials/{id}/replace")
    Mono<String> replacePage(ServerWebExchange exchange, @PathVariable String id, Model model) {
        return replacePage(exchange, id(id), FormErrors.none(), null, model);
    }

    @PostMapping("/credentials/{id}/replace")
    Mono<String> replace(ServerWebExchange exchange, @PathVariable String id, Model model) {
        UUID credential = id(id);
        return exchange.getMultipartData()
                .flatMap(parts -> read(parts).flatMap(form -> {
                    String kind = form.getOrDefault("kind", "");
                    Map<String, Object> body;
                    try {
                        body = body(kind, form);
                    } catch (IllegalArgumentException e) {
                        return replacePage(exchange, credential, FormErrors.field("kind", e.getMessage()), form, model);
                    }
                    return backend.tenant(exchange)
                            .send(HttpMethod.PUT, body, Credential.class, "/v1/credentials/{id}", credential)
                            .flatMap(saved -> tested(exchange, saved, "Credential \"" + saved.name() + "\" replaced."))
                            .onErrorResume(ApiProblem.class, problem -> {
                                exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
                                return replacePage(
                                        exchange, credential, FormErrors.of(problem, FIELDS, shown(kind)), form, model);
                            });
                }));
    }

    @GetMapping("/credentials/{id}/delete")
    Mono<String> confirmDelete(ServerWebExchange exchange, @PathVariable String id, Model model) {
        return backend.tenant(exchange)
                .get(Credential.class, "/v1/credentials/{id}", id(id))
                .map(credential -> {
                    model.addAttribute("credential", credential);
                    return "credential-delete";
                });
    }

    @PostMapping("/credentials/{id}/delete")
    Mono<String> delete(ServerWebExchange exchange, @PathVariable String id) {
        UUID credential = id(id);
        return backend.tenant(exchange)
                .get(Credential.class, "/v1/credentials/{id}", credential)
                .flatMap(found -> backend.tenant(exchange)
                        .send(HttpMethod.DELETE, null, "/v1/credentials/{id}", credential)
                        .then(Flash.notice(exchange, "Credential \"" + found.name() + "\" deleted.")))
                .thenReturn("redirect:/credentials");
    }

    /** Tests {@code credential}, keeps the answer for the next page, and goes there. */
    private Mono<String> tested(ServerWebExchange exchange, Credential credential, String notice) {
        return connectionTest(exchange, credential)
                .flatMap(result -> Flash.put(exchange, "test:" + credential.id(), result))
                .then(notice == null ? Mono.empty() : Flash.notice(exchange, notice))
                .thenReturn("redirect:/credentials#credential-" + credential.id());
    }

    private Mono<ConnectionTest> connectionTest(ServerWebExchange exchange, Credential credential) {
        return backend.delivery(exchange)
                .send(HttpMethod.POST, Map.of(), ConnectionTest.class, "/v1/credentials/{id}:test", credential.id())
                .onErrorResume(
                        ApiProblem.class,
                        problem -> Mono.just(
                                switch (problem.status()) {
                                    case 403 ->
                                        ConnectionTest.untested("Only owners and admins can test a credential.");
                                    case 404 ->
                                        ConnectionTest.untested(
                                                "The credential was not found: it may have been deleted meanwhile.");
                                    case 405 ->
                                        ConnectionTest.untested(
                                                "This Pushgate cannot test credentials yet: the first push will show whether"
                                                        + " it works (see the delivery's status).");
                                    default ->
                                        ConnectionTest.untested("The test did not run: " + problem.message()
                                                + " Use Test to try again.");
                                }));
    }

    private Mono<String> list(
            ServerWebExchange exchange, String failedForm, FormErrors errors, Map<String, String> form, Model model) {
        Backend.Calls tenant = backend.tenant(exchange);
        return Mono.zip(
                        tenant.get(CREDENTIALS, "/v1/credentials?limit=200"),
                        tenant.get(CONFIGURATIONS, "/v1/configurations?limit=200"))
                .flatMap(found -> {
                    List<Credential> credentials = found.getT1().items();
                    return tests(exchange, credentials).map(tests -> {
                        model.addAttribute("credentials", credentials);
                        model.addAttribute("usage", usage(found.getT2().items()));
                        model.addAttribute("tests", tests);
                        model.addAttribute("failedForm", failedForm);
                        model.addAttribute("errors", errors);
                        model.addAttribute("form", withoutSecrets(form));
                        return "credentials";
                    });
                });
    }

    private Mono<String> replacePage(
            ServerWebExchange exchange, UUID id, FormErrors errors, Map<String, String> form, Model model) {
        return backend.tenant(exchange)
                .get(Credential.class, "/v1/credentials/{id}", id)
                .map(credential -> {
                    model.addAttribute("credential", credential);
                    model.addAttribute("errors", errors);
                    Map<String, String> values =
                            form == null ? new HashMap<>(credential.metadata()) : withoutSecrets(form);
                    values.putIfAbsent("name", credential.name());
                    model.addAttribute("form", values);
                    return "credential-replace";
                });
    }

    /** The one-time test answers of the credentials listed, taken from the session. */
    private static Mono<Map<UUID, ConnectionTest>> tests(ServerWebExchange exchange, List<Credential> credentials) {
        Map<UUID, ConnectionTest> tests = new HashMap<>();
        return reactor.core.publisher.Flux.fromIterable(credentials)
                .concatMap(credential -> Flash.take(exchange, "test:" + credential.id(), ConnectionTest.class)
                        .doOnNext(test -> tests.put(credential.id(), test)))
                .then(Mono.just(tests));
    }

    /** For each credential, the configurations that use it as a default ("Android of App"). */
    private static Map<UUID, List<String>> usage(List<Configuration> configurations) {
        Map<UUID, List<String>> usage = new HashMap<>();
        for (Configuration configuration : configurations) {
            UUID android = configuration.defaultCredentials().android();
            UUID ios = configuration.defaultCredentials().ios();
            if (android != null) {
                usage.computeIfAbsent(android, id -> new java.util.ArrayList<>())
                        .add("Android of " + configuration.name());
            }
            if (ios != null) {
                usage.computeIfAbsent(ios, id -> new java.util.ArrayList<>()).add("iOS of " + configuration.name());
            }
        }
        return usage;
    }

    /** The fields the form of {@code kind} shows (an error about another goes above the form). */
    static java.util.Set<String> shown(String kind) {
        return switch (kind) {
            case "fcm" -> java.util.Set.of("name", "serviceAccountFile");
            case "apns-token" -> java.util.Set.of("name", "p8File", "keyId", "teamId", "topic", "environment");
            case "apns-certificate" ->
                java.util.Set.of("name", "p12File", "certificatePassword", "topic", "environment");
            default -> java.util.Set.of("name");
        };
    }

    /** The API body for a form of {@code kind}: sandbox, fcm, apns-token or apns-certificate. */
    static Map<String, Object> body(String kind, Map<String, String> form) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", form.getOrDefault("name", ""));
        switch (kind) {
            case "sandbox" -> body.put("type", "sandbox");
            case "fcm" -> {
                body.put("type", "fcm");
                body.put("serviceAccountJson", form.getOrDefault("serviceAccountFile", ""));
            }
            case "apns-token" -> {
                body.put("type", "apns");
                body.put("p8Key", form.getOrDefault("p8File", ""));
                body.put("keyId", form.getOrDefault("keyId", "").strip());
                body.put("teamId", form.getOrDefault("teamId", "").strip());
                body.put("topic", form.getOrDefault("topic", "").strip());
                body.put("environment", form.getOrDefault("environment", ""));
            }
            case "apns-certificate" -> {
                body.put("type", "apns");
                body.put("certificate", form.getOrDefault("p12File", ""));
                body.put("certificatePassword", form.getOrDefault("certificatePassword", ""));
                body.put("topic", form.getOrDefault("topic", "").strip());
                body.put("environment", form.getOrDefault("environment", ""));
            }
            default -> throw new IllegalArgumentException("Choose the kind of credential.");
        }
        return body;
    }

    /**
     * The form's parts as text: uploaded files as their text, a {@code .p12} certificate as base64;
     * an empty file input as an empty value.
     */
    private static Mono<Map<String, String>> read(MultiValueMap<String, Part> parts) {
        Map<String, String> form = new HashMap<>();
        return reactor.core.publisher.Flux.fromIterable(parts.entrySet())
                .filter(entry -> !entry.getValue().isEmpty())
                .concatMap(entry -> {
                    Part part = entry.getValue().get(0);
                    if (part instanceof FormFieldPart field) {
                        form.put(entry.getKey(), field.value());
                        return Mono.empty();
                    }
                    if (part instanceof FilePart file) {
                        return DataBufferUtils.join(file.content())
                                .map(buffer -> {
                                    byte[] bytes = new byte[buffer.readableByteCount()];
                                    buffer.read(bytes);
                                    DataBufferUtils.release(buffer);
                                    return bytes;
                                })
                                .defaultIfEmpty(new byte[0])
                                .doOnNext(bytes -> form.put(
                                        entry.getKey(),
                                        bytes.length == 0
                                                ? ""
                                                : entry.getKey().equals("p12File")
                                                        ? Base64.getEncoder().encodeToString(bytes)
                                                        : new String(bytes, StandardCharsets.UTF_8)))
                                .then();
                    }
                    return Mono.empty();
                })
                .then(Mono.just(form));
    }

    /** A refused form comes back without its files and password: they are chosen again, never echoed. */
    private static Map<String, String> withoutSecrets(Map<String, String> form) {
        Map<String, String> kept = new HashMap<>(form);
        kept.keySet().removeAll(List.of("serviceAccountFile", "p8File", "p12File", "certificatePassword", "_csrf"));
        return kept;
    }

    private static UUID id(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(404, null, null, "no such credential", null);
        }
    }
}
