package io.pushgate.portal.session;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The portal's sessions.
 *
 * @param cookieSecure whether the session cookie is {@code Secure} (and named with the {@code
 *     __Host-} prefix, which requires it); turn it off only to use the portal over plain HTTP on a
 *     machine of your own ({@code PUSHGATE_PORTAL_SESSION_COOKIE_SECURE=false})
 * @param idleTimeout a session nobody used for this long ends
 * @param maxLifetime a session ends this long after its sign-in, used or not
 * @param refreshAhead an access token this close to its expiry is refreshed before it is used
 */
@ConfigurationProperties("pushgate.portal.session")
public record SessionSettings(
        @DefaultValue("true") boolean cookieSecure,
        @DefaultValue("30m") Duration idleTimeout,
        @DefaultValue("12h") Duration maxLifetime,
        @DefaultValue("30s") Duration refreshAhead) {

    /** The session cookie's name: {@code __Host-} prefixed when it is {@code Secure}. */
    public String cookieName() {
        return cookieSecure ? "__Host-pushgate-session" : "pushgate-session";
    }
}
