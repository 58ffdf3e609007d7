package io.pushgate.embeddedpg;

/** The embedded server could not be prepared, started or used; the message is one line for a person. */
public class EmbeddedPostgresException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EmbeddedPostgresException(String message) {
        super(message);
    }

    public EmbeddedPostgresException(String message, Throwable cause) {
        super(message, cause);
    }
}
