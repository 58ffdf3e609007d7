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
 */
public record ApnsFault(Kind kind, Duration lasting, Duration retryAfter) {

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
        TLS_HANDSHAKE_FAILURE
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
    }

    /** {@code TooManyRequests} for {@code lasting}, each with {@code retry-after} ({@code null}: none). */
    public static ApnsFault tooManyRequests(Duration lasting, Duration retryAfter) {
        return new ApnsFault(Kind.TOO_MANY_REQUESTS, lasting, retryAfter);
    }

    /** {@code ExpiredProviderToken} for the key's tokens issued before {@code lasting} from now. */
    public static ApnsFault expiredProviderToken(Duration lasting) {
        return new ApnsFault(Kind.EXPIRED_PROVIDER_TOKEN, lasting, null);
    }

    /** The key's connections closed and TLS handshakes failing for {@code lasting}. */
    public static ApnsFault tlsHandshakeFailure(Duration lasting) {
        return new ApnsFault(Kind.TLS_HANDSHAKE_FAILURE, lasting, null);
    }
}
