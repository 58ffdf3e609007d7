package io.pushgate.emulator;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The FCM emulator's HTTP control API under {@code /emulator/fcm}: lists and clears accepted messages,
 * injects failures and latency per device token and faults per project, mints service accounts and
 * accepts static tokens.
 * Every bad request is answered with an RFC 9457 problem.
 */
final class FcmControlApi {

    static final String ROOT = "/emulator/fcm";
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 10_000;

    private final FcmEmulator emulator;
    private final JsonMapper json;

    FcmControlApi(FcmEmulator emulator, JsonMapper json) {
        this.emulator = emulator;
        this.json = json;
    }

    HttpAnswer handle(HttpMethod method, QueryStringDecoder uri, String body) {
        try {
            return route(method, uri, body);
        } catch (BadRequest e) {
            return HttpAnswer.problem(400, "invalid-request", "Invalid request", e.getMessage(), json);
        }
    }

    private HttpAnswer route(HttpMethod method, QueryStringDecoder uri, String body) {
        String[] segments = uri.path().substring(ROOT.length()).split("/", -1);
        // segments[0] is the empty string before the first slash
        if (segments.length == 2 && segments[1].equals("messages")) {
            if (HttpMethod.GET.equals(method)) {
                return list(uri);
            }
            if (HttpMethod.DELETE.equals(method)) {
                emulator.clearMessages();
                return HttpAnswer.noContent();
            }
            return notAllowed("GET, DELETE");
        }
        if (segments.length == 2 && segments[1].equals("reset")) {
            if (!HttpMethod.POST.equals(method)) {
                return notAllowed("POST");
            }
            emulator.reset();
            return HttpAnswer.noContent();
        }
        if (segments.length == 2 && segments[1].equals("service-accounts")) {
            if (!HttpMethod.POST.equals(method)) {
                return notAllowed("POST");
            }
            FcmServiceAccount account = emulator.mintServiceAccount(text(object(body), "projectId"));
            return new HttpAnswer(
                    201,
                    "application/json; charset=UTF-8",
                    Map.of(),
                    account.json().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    Duration.ZERO);
        }
        if (segments.length == 2 && segments[1].equals("access-tokens")) {
            if (!HttpMethod.POST.equals(method)) {
                return notAllowed("POST");
            }
            emulator.acceptAccessToken(text(object(body), "accessToken"));
            return HttpAnswer.noContent();
        }
        if (segments.length == 4
                && segments[1].equals("projects")
                && !segments[2].isBlank()
                && segments[3].equals("fault")) {
            return projectFault(method, segments[2], body);
        }
        if (segments.length >= 3 && segments[1].equals("devices") && !segments[2].isBlank()) {
            return device(method, segments, body);
        }
        return HttpAnswer.problem(
                404, "not-found", "Not found", "There is no control resource at " + uri.path() + ".", json);
    }

    private HttpAnswer device(HttpMethod method, String[] segments, String body) {
        String token = segments[2];
        if (segments.length == 3) {
            if (!HttpMethod.DELETE.equals(method)) {
                return notAllowed("DELETE");
            }
            emulator.clearDevice(token);
            return HttpAnswer.noContent();
        }
        if (segments.length != 4) {
            return HttpAnswer.problem(404, "not-found", "Not found", "Unknown device resource.", json);
        }
        switch (segments[3]) {
            case "failure" -> {
                if (HttpMethod.PUT.equals(method)) {
                    emulator.injectFailure(token, failure(object(body)));
                    return HttpAnswer.noContent();
                }
                if (HttpMethod.DELETE.equals(method)) {
                    emulator.clearDevice(token);
                    return HttpAnswer.noContent();
                }
                return notAllowed("PUT, DELETE");
            }
            case "latency" -> {
                if (!HttpMethod.PUT.equals(method)) {
                    return notAllowed("PUT");
                }
                long millis = number(
                        object(body), "latencyMs", 0, Duration.ofMinutes(10).toMillis());
                emulator.injectLatency(token, Duration.ofMillis(millis));
                return HttpAnswer.noContent();
            }
            case "unregistered" -> {
                if (!HttpMethod.PUT.equals(method)) {
                    return notAllowed("PUT");
                }
                emulator.unregister(token);
                return HttpAnswer.noContent();
            }
            case "project" -> {
                if (!HttpMethod.PUT.equals(method)) {
                    return notAllowed("PUT");
                }
                emulator.bindToken(token, text(object(body), "projectId"));
                return HttpAnswer.noContent();
            }
            case "attempts" -> {
                if (!HttpMethod.GET.equals(method)) {
                    return notAllowed("GET");
                }
                return HttpAnswer.json(200, Map.of("attempts", emulator.sendAttempts(token)), json);
            }
            default -> {
                return HttpAnswer.problem(
                        404, "not-found", "Not found", "Unknown device resource '" + segments[3] + "'.", json);
            }
        }
    }

    /**
     * {@code PUT} {@code {"kind": "unavailable"|"throttled"|"slow"|"reset", "seconds": n,
     * "retryAfterSeconds": n (throttled), "latencyMs": n (slow)}}; {@code DELETE} ends it; {@code GET}
     * {@code {"kind": … or null, "faultedSends": n}}.
     */
    private HttpAnswer projectFault(HttpMethod method, String projectId, String body) {
        if (HttpMethod.PUT.equals(method)) {
            emulator.injectProjectFault(projectId, fault(object(body)));
            return HttpAnswer.noContent();
        }
        if (HttpMethod.DELETE.equals(method)) {
            emulator.clearProjectFault(projectId);
            return HttpAnswer.noContent();
        }
        if (HttpMethod.GET.equals(method)) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put(
                    "kind",
                    emulator.projectFault(projectId).map(f -> f.kind().text()).orElse(null));
            answer.put("faultedSends", emulator.faultedSends(projectId));
            return HttpAnswer.json(200, answer, json);
        }
        return notAllowed("GET, PUT, DELETE");
    }

    private FcmFault fault(JsonNode body) {
        String kind = text(body, "kind");
        FcmFault.Kind parsed;
        try {
            parsed = FcmFault.Kind.of(kind);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("'kind' must be one of unavailable, throttled, slow, reset; was '" + kind + "'.");
        }
        Duration lasting = Duration.ofSeconds(number(body, "seconds", 1, 86_400));
        return switch (parsed) {
            case UNAVAILABLE -> FcmFault.unavailable(lasting);
            case RESET -> FcmFault.reset(lasting);
            case THROTTLED ->
                FcmFault.throttled(lasting, Duration.ofSeconds(number(body, "retryAfterSeconds", 0, 86_400)));
            case SLOW ->
                FcmFault.slow(
                        lasting,
                        Duration.ofMillis(number(
                                body, "latencyMs", 1, Duration.ofMinutes(10).toMillis())));
        };
    }

    private HttpAnswer list(QueryStringDecoder uri) {
        Map<String, List<String>> query = uri.parameters();
        int limit = (int) number(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        long before = number(query, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        List<FcmMessage> page =
                emulator.messages(first(query, "projectId"), first(query, "deviceToken"), limit + 1, before);
        List<Map<String, Object>> items = page.stream()
                .limit(limit)
                .map(message -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("sequence", message.sequence());
                    item.put("name", message.name());
                    item.put("projectId", message.projectId());
                    item.put("deviceToken", message.deviceToken());
                    item.put("message", message.message());
                    item.put("receivedAt", message.receivedAt().toString());
                    return item;
                })
                .toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", items);
        answer.put("nextBefore", page.size() > limit ? page.get(limit - 1).sequence() : null);
        answer.put("droppedThrough", emulator.droppedThrough());
        return HttpAnswer.json(200, answer, json);
    }

    private FcmFailure failure(JsonNode body) {
        String code = text(body, "errorCode");
        FcmErrorCode errorCode;
        try {
            errorCode = FcmErrorCode.valueOf(code.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadRequest(
                    "'errorCode' must be one of " + List.of(FcmErrorCode.values()) + ", was '" + code + "'.");
        }
        int times = body.has("times") ? (int) number(body, "times", 1, 1_000_000) : 0;
        FcmFailure failure = new FcmFailure(errorCode, times, null);
        if (body.has("retryAfterSeconds")) {
            failure = failure.withRetryAfter(Duration.ofSeconds(number(body, "retryAfterSeconds", 0, 86_400)));
        }
        return failure;
    }

    private JsonNode object(String body) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JacksonException e) {
            throw new BadRequest("The body is not JSON.");
        }
        if (node == null || !node.isObject()) {
            throw new BadRequest("The body must be a JSON object.");
        }
        return node;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isString() || value.stringValue().isBlank()) {
            throw new BadRequest("'" + field + "' is required and must be a non-blank string.");
        }
        return value.stringValue();
    }

    private static long number(JsonNode body, String field, long min, long max) {
        JsonNode value = body.get(field);
        if (value == null || !value.canConvertToExactIntegral() || !value.isNumber()) {
            throw new BadRequest("'" + field + "' is required and must be a whole number.");
        }
        long number = value.asLong();
        if (number < min || number > max) {
            throw new BadRequest("'" + field + "' must be between " + min + " and " + max + ", was " + number + ".");
        }
        return number;
    }

    private static long number(Map<String, List<String>> query, String name, long fallback, long min, long max) {
        String value = first(query, name);
        if (value == null) {
            return fallback;
        }
        long number;
        try {
            number = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadRequest("Query parameter '" + name + "' must be a whole number, was '" + value + "'.");
        }
        if (number < min || number > max) {
            throw new BadRequest("Query parameter '" + name + "' must be between " + min + " and " + max + ".");
        }
        return number;
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private HttpAnswer notAllowed(String allowed) {
        return HttpAnswer.problem(
                        405, "method-not-allowed", "Method not allowed", "This resource allows " + allowed + ".", json)
                .withHeader("Allow", allowed);
    }

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
