package io.pushgate.delivery.credential;

import java.util.Locale;

/** What a credential's connection test came to, as {@link ConnectionTest#outcome()} shows it (its {@linkplain #text() text}). */
enum ConnectionOutcome {
    /** The provider accepted the credential. */
    ACCEPTED,
    /** The provider refused it: the tenant must fix something (the answer says what). */
    REJECTED,
    /** The provider did not answer, or was too busy to: the credential was not tested. */
    UNREACHABLE,
    /** Pushgate cannot make a client of it (its material does not open or parse, no sandbox here). */
    UNUSABLE;

    private final String text = name().toLowerCase(Locale.ROOT);

    /** Its text, as the API answers it, e.g. {@code unreachable}. */
    String text() {
        return text;
    }
}
