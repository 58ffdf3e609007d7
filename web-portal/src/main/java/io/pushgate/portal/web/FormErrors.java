package io.pushgate.portal.web;

import io.pushgate.portal.backend.ApiProblem;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a form shows after a refused change: a message per field (next to the field the API named)
 * and messages about the form as a whole. Text from the API is shown escaped, as all text is.
 */
public final class FormErrors {

    private final Map<String, String> fields = new LinkedHashMap<>();
    private String summary;

    public static FormErrors none() {
        return new FormErrors();
    }

    /**
     * The errors of {@code problem}: next to its {@code field} when the form has it ({@code aliases}
     * maps API field names to the form's where they differ, and problem kinds without a field to the
     * field they are about), else for the whole form.
     */
    public static FormErrors of(ApiProblem problem, Map<String, String> aliases) {
        FormErrors errors = new FormErrors();
        String field = problem.field();
        if (field == null) {
            field = aliases.get("type:" + problem.kind());
        } else {
            field = aliases.getOrDefault(field, field);
        }
        String message = sentence(problem.message());
        if (problem.retryAfterSeconds() != null) {
            message += " Try again in " + problem.retryAfterSeconds() + " s.";
        }
        if (field != null) {
            errors.fields.put(field, message);
        } else {
            errors.summary = message;
        }
        return errors;
    }

    /**
     * As {@link #of(ApiProblem, Map)}, but a field the form does not show ({@code shown}) becomes a
     * message for the whole form, naming the field, so that no error goes unseen.
     */
    public static FormErrors of(ApiProblem problem, Map<String, String> aliases, java.util.Set<String> shown) {
        FormErrors errors = of(problem, aliases);
        for (var field : Map.copyOf(errors.fields).entrySet()) {
            if (!shown.contains(field.getKey())) {
                errors.fields.remove(field.getKey());
                errors.summary = problem.field() + ": " + field.getValue();
            }
        }
        return errors;
    }

    public static FormErrors of(ApiProblem problem) {
        return of(problem, Map.of());
    }

    /** An error of the portal's own about {@code field}. */
    public static FormErrors field(String field, String message) {
        FormErrors errors = new FormErrors();
        errors.fields.put(field, message);
        return errors;
    }

    public boolean any() {
        return summary != null || !fields.isEmpty();
    }

    public boolean has(String field) {
        return fields.containsKey(field);
    }

    public String get(String field) {
        return fields.get(field);
    }

    public Map<String, String> fields() {
        return fields;
    }

    /** The message about the whole form, or null. */
    public String summary() {
        return summary;
    }

    /** "is required" → "Is required." */
    static String sentence(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String trimmed = text.strip();
        String first = trimmed.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + trimmed.substring(1);
        return first.endsWith(".") ? first : first + ".";
    }
}
