package io.pushgate.portal.session;

import java.util.UUID;

/**
 * The signed-in member as the portal shows and checks it.
 *
 * @param role {@code owner}, {@code admin} or {@code viewer}
 */
public record Member(UUID tenantId, UUID memberId, String email, String role) {

    /** Owners and admins change the tenant's resources; viewers only look. */
    public boolean canChange() {
        return "owner".equals(role) || "admin".equals(role);
    }

    /** Owners alone manage members. */
    public boolean isOwner() {
        return "owner".equals(role);
    }
}
