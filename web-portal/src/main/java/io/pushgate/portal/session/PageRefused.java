package io.pushgate.portal.session;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A request the portal refuses before any page answers it (a form without its CSRF token, a role that
 * may not do this), carried to the error page with what it says: its title and text. An answer, not a
 * fault: no stack trace.
 */
public final class PageRefused extends ResponseStatusException {

    private static final long serialVersionUID = 1L;

    private final String title;
    private final String text;

    PageRefused(HttpStatus status, String title, String text) {
        super(status, text);
        this.title = title;
        this.text = text;
    }

    /** The page's heading. */
    public String title() {
        return title;
    }

    /** What the page says. */
    public String text() {
        return text;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
