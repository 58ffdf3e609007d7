package io.pushgate.tenant.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The platform operator's token ({@code pushgate.operator-token}, {@code PUSHGATE_OPERATOR_TOKEN}):
 * only its SHA-256 is kept, and a presented token is compared by its hash in constant time. Without
 * one the operator API is off (it answers 404, as if it did not exist); a token shorter than
 * {@value #MIN_LENGTH} characters stops the service at start-up.
 */
@Component
class OperatorToken {

    static final int MIN_LENGTH = 32;

    private final byte[] hash;

    OperatorToken(@Value("${pushgate.operator-token:}") String token) {
        if (token.isEmpty()) {
            this.hash = null;
            return;
        }
        if (token.strip().length() < MIN_LENGTH) {
            throw new IllegalStateException("PUSHGATE_OPERATOR_TOKEN (pushgate.operator-token) must have at least "
                    + MIN_LENGTH + " characters, e.g. the output of `openssl rand -hex 32`; leave it unset to"
                    + " turn the operator API off");
        }
        this.hash = sha256(token.strip());
    }

    /** Whether the operator API is on. */
    boolean isSet() {
        return hash != null;
    }

    /** Whether {@code presented} is the operator token. */
    boolean matches(String presented) {
        return hash != null && presented != null && MessageDigest.isEqual(hash, sha256(presented));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
