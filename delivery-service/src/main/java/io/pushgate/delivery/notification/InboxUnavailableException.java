package io.pushgate.delivery.notification;

/** The event was not stored (database down, too slow, or the inbox full); nothing may be acknowledged. */
public final class InboxUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InboxUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
