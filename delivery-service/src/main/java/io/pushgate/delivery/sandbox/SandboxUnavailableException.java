package io.pushgate.delivery.sandbox;

/** No sandbox is configured ({@code pushgate.sandbox.fcm-url}), or its emulator did not answer. */
public final class SandboxUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    SandboxUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
