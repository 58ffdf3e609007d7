package io.pushgate.delivery.security;

import java.util.Collection;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** A verified bearer token together with the tenant it acts for. */
final class TenantAuthentication extends JwtAuthenticationToken {

    private static final long serialVersionUID = 1L;

    private final transient Caller caller;

    TenantAuthentication(Jwt jwt, Collection<? extends GrantedAuthority> authorities, Caller caller) {
        super(jwt, authorities, jwt.getSubject());
        this.caller = caller;
    }

    Caller caller() {
        return caller;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TenantAuthentication that && super.equals(that) && caller.equals(that.caller);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + caller.hashCode();
    }
}
