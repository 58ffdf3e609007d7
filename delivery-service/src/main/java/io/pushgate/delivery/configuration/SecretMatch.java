package io.pushgate.delivery.configuration;

/** Which of a configuration's secrets a callback's {@code X-hmac} was made with. */
public enum SecretMatch {
    /** The current secret. */
    CURRENT,
    /** The previous secret, while its grace window is open: accepted. */
    PREVIOUS,
    /** The previous secret after its grace window closed: refused. */
    EXPIRED_PREVIOUS,
    /** Neither secret: refused. */
    NONE;

    /** Whether a callback signed so is accepted. */
    public boolean verified() {
        return this == CURRENT || this == PREVIOUS;
    }
}
