package io.pushgate.portal.session;

import java.util.List;
import java.util.Locale;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A signed-in member as Spring Security sees it: its role as {@code ROLE_OWNER}, {@code ROLE_ADMIN} or {@code ROLE_VIEWER}. */
final class MemberAuthentication extends AbstractAuthenticationToken {

    private static final long serialVersionUID = 1L;

    private final transient Member member;

    MemberAuthentication(Member member) {
        super(List.of(new SimpleGrantedAuthority("ROLE_" + member.role().toUpperCase(Locale.ROOT))));
        this.member = member;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Member getPrincipal() {
        return member;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MemberAuthentication that && member.equals(that.member);
    }

    @Override
    public int hashCode() {
        return member.hashCode();
    }
}
