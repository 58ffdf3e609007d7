package io.pushgate.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure the FCM emulator injects for one device token: the error to answer with, how many sends it
 * affects ({@code times}, or every send when {@code times} is {@code 0}) and the {@code Retry-After} it
 * carries ({@code null}: none, except {@link FcmErrorCode#QUOTA_EXCEEDED}, which always carries one, 60 s
 * by default, as FCM does).
 */
public record FcmFailure(FcmErrorCode errorCode, int times, Duration retryAfter) {

    static final Duration DEFAULT_QUOTA_RETRY_AFTER = Duration.ofSeconds(60);

    public FcmFailure {
        Objects.requireNonNull(errorCode, "errorCode");
        if (times < 0) {
            throw new IllegalArgumentException("times must be 0 (always) or positive, was " + times);
        }
        if (retryAfter != null && (retryAfter.isNegative() || retryAfter.toNanos() % 1_000_000_000L != 0)) {
            throw new IllegalArgumentException("retryAfter must be a whole, non-negative number of seconds");
        }
        if (retryAfter == null && errorCode == FcmErrorCode.QUOTA_EXCEEDED) {
            retryAfter = DEFAULT_QUOTA_RETRY_AFTER;
        }
    }

    /** Every send to the token fails with {@code errorCode}, until cleared. */
    public static FcmFailure always(FcmErrorCode errorCode) {
        return new FcmFailure(errorCode, 0, null);
    }

    /** The next {@code times} sends to the token fail with {@code errorCode}; later ones succeed. */
    public static FcmFailure times(FcmErrorCode errorCode, int times) {
        if (times == 0) {
            throw new IllegalArgumentException("times must be positive; use always(...) for every send");
        }
        return new FcmFailure(errorCode, times, null);
    }

    /** This failure, answered with a {@code Retry-After} header of the given whole seconds. */
    public FcmFailure withRetryAfter(Duration retryAfter) {
        return new FcmFailure(errorCode, times, Objects.requireNonNull(retryAfter, "retryAfter"));
    }
}
