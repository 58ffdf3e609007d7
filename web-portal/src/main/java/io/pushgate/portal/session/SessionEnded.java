package io.pushgate.portal.session;

/**
 * The member's platform session is over (its access token expired with no refresh token, or the
 * refresh token was refused): the portal signs the browser out and asks it to sign in again.
 */
public final class SessionEnded extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SessionEnded(String reason) {
        super(reason);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
