package io.pushgate.emulator;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A fault of the whole FCM service for one Firebase project, for {@code lasting} from when it is
 * {@linkplain FcmEmulator#injectProjectFault injected}: every send of that project meets it, whatever its
 * device token, and other projects (another tenant's credential) are unaffected. The OAuth token endpoint
 * is not faulted.
 *
 * @param kind what the project's sends meet
 * @param lasting how long the fault lasts
 * @param retryAfter for {@link Kind#THROTTLED}, the {@code Retry-After} of each answer (whole seconds); else {@code null}
 * @param latency for {@link Kind#SLOW}, how late each answer comes; else {@code null}
 */
public record FcmFault(Kind kind, Duration lasting, Duration retryAfter, Duration latency) {

    /** What a faulted send meets. */
    public enum Kind {
        /**
         * FCM is down: {@code 503 UNAVAILABLE}, FCM's own error body, at once. (A refused connection cannot
         * be scoped to one project on a shared port; a 503 can.)
         */
        UNAVAILABLE,
        /** A storm of {@code 429 QUOTA_EXCEEDED}, each with {@code Retry-After}. */
        THROTTLED,
        /** Every answer comes {@code latency} late; the message is accepted as usual. */
        SLOW,
        /**
         * The connection is reset mid-response: the status line and part of the headers are written, then
         * the socket is closed with a TCP reset. The message is not accepted (nothing recorded).
         */
        RESET;

        /** The kind's name in the control API, e.g. {@code unavailable}. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind of(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    public FcmFault {
        Objects.requireNonNull(kind, "kind");
        if (lasting == null || lasting.isNegative() || lasting.isZero()) {
            throw new IllegalArgumentException("lasting must be positive");
        }
        if ((kind == Kind.THROTTLED) != (retryAfter != null)) {
            throw new IllegalArgumentException("retryAfter is for THROTTLED, and THROTTLED needs one");
        }
        if (retryAfter != null && (retryAfter.isNegative() || retryAfter.toNanos() % 1_000_000_000L != 0)) {
            throw new IllegalArgumentException("retryAfter is whole seconds, zero or more");
        }
        if ((kind == Kind.SLOW) != (latency != null)) {
            throw new IllegalArgumentException("latency is for SLOW, and SLOW needs one");
        }
        if (latency != null && (latency.isNegative() || latency.isZero())) {
            throw new IllegalArgumentException("latency must be positive");
        }
    }

    /** FCM answers the project's sends {@code 503 UNAVAILABLE} for {@code lasting}. */
    public static FcmFault unavailable(Duration lasting) {
        return new FcmFault(Kind.UNAVAILABLE, lasting, null, null);
    }

    /** FCM answers the project's sends {@code 429} with {@code Retry-After: retryAfter} for {@code lasting}. */
    public static FcmFault throttled(Duration lasting, Duration retryAfter) {
        return new FcmFault(Kind.THROTTLED, lasting, Objects.requireNonNull(retryAfter, "retryAfter"), null);
    }

    /** FCM answers the project's sends {@code latency} late for {@code lasting}. */
    public static FcmFault slow(Duration lasting, Duration latency) {
        return new FcmFault(Kind.SLOW, lasting, null, Objects.requireNonNull(latency, "latency"));
    }

    /** FCM resets the connection mid-response to the project's sends for {@code lasting}. */
    public static FcmFault reset(Duration lasting) {
        return new FcmFault(Kind.RESET, lasting, null, null);
    }
}
