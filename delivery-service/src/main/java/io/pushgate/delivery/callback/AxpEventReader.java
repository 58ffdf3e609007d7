package io.pushgate.delivery.callback;

import io.pushgate.api.axp.AxpEvent;
import io.pushgate.api.axp.InvalidAxpEventException;
import io.pushgate.api.problem.CallbackProblem;
import io.pushgate.delivery.callbacklog.RefusalReason;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a callback body strictly: one JSON object (no duplicate names, nothing after it), at most
 * {@value AxpEvent#MAX_FIELDS} fields, the named fields strings, other fields strings, numbers or
 * booleans (kept as text), {@code null} as absent. Every breach is a {@link CallbackRejected}
 * naming the problem.
 */
final class AxpEventReader {

    private static final int MAX_DETAIL = 200;

    private final JsonMapper json = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The body's JSON object. */
    JsonNode object(byte[] body) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JacksonException e) {
            String reason = e.getOriginalMessage();
            if (reason != null && reason.length() > MAX_DETAIL) {
                reason = reason.substring(0, MAX_DETAIL) + "…";
            }
            throw new CallbackRejected(CallbackProblem.MALFORMED_JSON, "the body is not well-formed JSON: " + reason);
        }
        if (node == null || !node.isObject()) {
            throw new CallbackRejected(CallbackProblem.MALFORMED_JSON, "the body must be one JSON object");
        }
        if (node.size() > AxpEvent.MAX_FIELDS) {
            throw invalid(null, "an event has at most " + AxpEvent.MAX_FIELDS + " fields");
        }
        return node;
    }

    /** A field that the signature covers: a string, required. */
    String signedField(JsonNode object, String name) {
        String value = namedField(object, name);
        if (value == null) {
            throw invalid(name, name + " is required");
        }
        return value;
    }

    /** The whole event, checked against {@link AxpEvent}'s rules. */
    AxpEvent event(JsonNode object) {
        Map<String, String> others = new LinkedHashMap<>();
        for (var field : object.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (AxpEvent.NAMED_FIELDS.contains(name) || value.isNull()) {
                continue;
            }
            if (value.isString()) {
                others.put(name, value.stringValue());
            } else if (value.isNumber() || value.isBoolean()) {
                others.put(name, value.asString());
            } else {
                throw invalid(name, quoted(name) + " must be a string, a number or a boolean");
            }
        }
        try {
            return new AxpEvent(
                    signedField(object, "eventId"),
                    signedField(object, "sessionId"),
                    namedField(object, "conversationId"),
                    namedField(object, "customerId"),
                    namedField(object, "eventDate"),
                    others);
        } catch (InvalidAxpEventException e) {
            throw invalid(e.field(), e.getMessage());
        }
    }

    private static String namedField(JsonNode object, String name) {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw invalid(name, name + " must be a string");
        }
        return value.stringValue();
    }

    private static String quoted(String name) {
        String shown = name.length() > 64 ? name.substring(0, 64) + "…" : name;
        return "field \"" + shown.replaceAll("\\p{Cntrl}", "?") + "\"";
    }

    /** The event breaks a rule; {@code field} names the field at fault for the refused-callback log, if one is. */
    private static CallbackRejected invalid(String field, String detail) {
        return new CallbackRejected(CallbackProblem.INVALID_EVENT, detail, RefusalReason.MALFORMED_EVENT, field);
    }
}
