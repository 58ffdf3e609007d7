package io.pushgate.standalone;

/** The platform cannot start; the message is one line that tells a person what to change. */
class LaunchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    LaunchException(String message) {
        super(message);
    }

    LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
