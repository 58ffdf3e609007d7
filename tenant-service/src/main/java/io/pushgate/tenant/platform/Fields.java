package io.pushgate.tenant.platform;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** Checks of request fields; each failure is a 400 naming the field. */
public final class Fields {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private Fields() {}

    /** A required text of 1 to {@code max} characters after stripping surrounding blanks. */
    public static String text(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw ApiRejected.invalidField(field, "is required");
        }
        String stripped = value.strip();
        if (stripped.length() > max) {
            throw ApiRejected.invalidField(field, "must have at most " + max + " characters");
        }
        return stripped;
    }

    /** An e-mail address, lower-cased. */
    public static String email(String field, String value) {
        String email = text(field, value, 254).toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(email).matches()) {
            throw ApiRejected.invalidField(field, "is not an e-mail address");
        }
        return email;
    }

    /** An id in a path or body; a malformed one is treated like an unknown one where {@code what} is given. */
    public static UUID id(String field, String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiRejected.invalidField(field, "is not an id");
        }
    }

    /** A path id: a malformed one answers 404 like an id that does not exist. */
    public static UUID pathId(String value, String what) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiRejected.notFound(what);
        }
    }
}
