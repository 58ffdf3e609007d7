package io.pushgate.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * A fault APNs shows the sends signed by one provider key (one tenant's credential) for {@code lasting}
 * from when it is {@linkplain ApnsEmulator#injectKeyFault injected}; other keys are unaffected, except
 * where {@link Kind#TLS_HANDSHAKE_FAILURE} says.
 *
 * @param kind what the key's sends meet
 * @param lasting how long the fault lasts
 * @param retryAfter for {@link Kind#TOO_MANY_REQUESTS}, the {@code retry-after} of each answer (whole
 *     seconds), or {@code null} for none; else {@code null}
 * @param latency for {@link Kind#SLOW}, how late the key's answers come; else {@code null}
 */
public record ApnsFault(Kind kind, Duration lasting, Duration retryAfter, Duration latency) {

    /** What a faulted send meets. */
    public enum Kind {
        /** {@code 429 TooManyRequests}, with {@code retry-after} when one is given. */
        TOO_MANY_REQUESTS,
        /**
         * {@code 403 ExpiredProviderToken} for every provider token of the key issued before the fault
         * ends: pushy closes the connection and signs a new token, which is refused too until then.
         */
        EXPIRED_PROVIDER_TOKEN,
        /**
         * The key's open connections are closed and every new TLS handshake fails while the fault lasts.
         * A handshake comes before any provider token, so new connections of other keys fail too; their
         * connections already open carry on.
         */
        TLS_HANDSHAKE_FAILURE,
        /**
         * Every answer on the key's connections comes {@code latency} late: what the emulator writes
         * to them is held back that long (in order), the notifications themselves are handled at once.
         */
        SLOW,
        /**
         * A send of the key gets the first bytes of its answer, then its connection is reset (a TCP
         * reset, no TLS {@code close_notify}); the notification is not accepted (nothing recorded).
         * Sends in flight on that connection fail with it.
         */
        RESET
    }

    public ApnsFault {
        Objects.requireNonNull(kind, "kind");
        if (lasting == null || lasting.isNegative() || lasting.isZero()) {
            throw new IllegalArgumentException("lasting must be positive");
        }
        if (retryAfter != null && kind != Kind.TOO_MANY_REQUESTS) {
            throw new IllegalArgumentException("retryAfter is for TOO_MANY_REQUESTS only");
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

    /** {@code TooManyRequests} for {@code lasting}, each with {@code retry-after} ({@code null}: none). */
    public static ApnsFault tooManyRequests(Duration lasting, Duration retryAfter) {
        return new ApnsFault(Kind.TOO_MANY_REQUESTS, lasting, retryAfter, null);
    }

    /** {@code ExpiredProviderToken} for the key's tokens issued before {@code lasting} from now. */
    public static ApnsFault expiredProviderToken(Duration lasting) {
        return new ApnsFault(Kind.EXPIRED_PROVIDER_TOKEN, lasting, null, null);
    }

    /** The key's connections closed and TLS handshakes failing for {@code lasting}. */
    public static ApnsFault tlsHandshakeFailure(Duration lasting) {
        return new ApnsFault(Kind.TLS_HANDSHAKE_FAILURE, lasting, null, null);
    }

    /** The key's answers {@code latency} late for {@code lasting}. */
    public static ApnsFault slow(Duration lasting, Duration latency) {
        return new ApnsFault(Kind.SLOW, lasting, null, Objects.requireNonNull(latency, "latency"));
    }

    /** The key's sends answered in part, then their connection reset, for {@code lasting}. */
    public static ApnsFault reset(Duration lasting) {
        return new ApnsFault(Kind.RESET, lasting, null, null);
    }
}
