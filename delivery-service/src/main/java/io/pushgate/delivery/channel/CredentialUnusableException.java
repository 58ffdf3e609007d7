package io.pushgate.delivery.channel;

/** A credential exists but cannot be used (material unreadable or invalid, sandbox not configured): a permanent failure. */
public final class CredentialUnusableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CredentialUnusableException(String message) {
        super(message);
    }

    CredentialUnusableException(Throwable cause) {
        super(cause.getClass().getSimpleName(), cause);
    }
}
