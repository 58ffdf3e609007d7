package io.pushgate.api.paging;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * A list's cursor, bound to the tenant whose list gave it: the page's position (a list's own text,
 * such as a time and an id) and the tenant, base64url. Another tenant's cursor is refused exactly
 * like a cursor that no list gave, so that a cursor is never a position in someone else's list and
 * its refusal tells nothing about whose it was (issue 18, the cross-tenant matrix).
 */
public final class TenantCursors {

    private static final char SEPARATOR = '~';

    private TenantCursors() {}

    /** The cursor that names {@code position} in {@code tenantId}'s list. */
    public static String encode(UUID tenantId, String position) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((tenantId + String.valueOf(SEPARATOR) + position).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The position {@code cursor} names in {@code tenantId}'s list.
     *
     * @throws IllegalArgumentException for a cursor that is damaged, that no list gave, or that
     *     another tenant's list gave (the same exception and message for all three)
     */
    public static String decode(UUID tenantId, String cursor) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            throw notACursor();
        }
        int separator = text.indexOf(SEPARATOR);
        if (separator < 0 || !text.substring(0, separator).equals(tenantId.toString())) {
            throw notACursor();
        }
        return text.substring(separator + 1);
    }

    private static IllegalArgumentException notACursor() {
        return new IllegalArgumentException("cursor is not one this list gave out");
    }
}
