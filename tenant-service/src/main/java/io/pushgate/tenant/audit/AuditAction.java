package io.pushgate.tenant.audit;

/**
 * What an audit event records, each constant with its text in the log ({@code action} of {@code GET
 * /v1/audit-events}). A new change of the control plane adds its constant here, {@code
 * <resource>.<verb>}; the texts are a contract (operators filter on them) and never change.
 */
public enum AuditAction {
    TENANT_SIGNUP("tenant.signup"),
    /** A sign-in, successful or not (the event's outcome says which). */
    SIGN_IN("auth.login"),
    /** A sign-out: the refresh token's family was revoked. */
    SIGN_OUT("auth.logout"),
    /**
     * A refresh token was presented again after it had been used (stolen, or a client that kept it):
     * every token of its sign-in was revoked. Always a failure.
     */
    REFRESH_TOKEN_REPLAY("auth.refresh.replay"),
    /** An app client's client_credentials token. */
    OAUTH2_TOKEN("oauth2.token"),
    CONFIGURATION_CREATE("configuration.create"),
    CONFIGURATION_UPDATE("configuration.update"),
    CONFIGURATION_SECRET_ROTATE("configuration.secret.rotate"),
    CONFIGURATION_SECRET_EXPIRE_PREVIOUS("configuration.secret.expire-previous"),
    /** Its own action, not an update: the old callback URL stops at once. */
    CONFIGURATION_CALLBACK_KEY_ROTATE("configuration.callback-key.rotate"),
    CONFIGURATION_DELETE("configuration.delete"),
    /** A test event signed for the portal (no change: who signed one, and when). */
    CONFIGURATION_TEST_EVENT("configuration.test-event"),
    CREDENTIAL_CREATE("credential.create"),
    CREDENTIAL_REPLACE("credential.replace"),
    CREDENTIAL_DELETE("credential.delete"),
    APP_CLIENT_CREATE("app-client.create"),
    APP_CLIENT_DELETE("app-client.delete"),
    TRUSTED_ISSUER_CREATE("trusted-issuer.create"),
    TRUSTED_ISSUER_DELETE("trusted-issuer.delete"),
    MEMBER_ADD("member.add"),
    MEMBER_ROLE_OWNER("member.role.owner"),
    MEMBER_ROLE_ADMIN("member.role.admin"),
    MEMBER_ROLE_VIEWER("member.role.viewer"),
    MEMBER_REMOVE("member.remove"),
    /** The platform operator gave the tenant another plan (actor {@code operator}). */
    PLAN_UPDATE("plan.update");

    private final String text;

    AuditAction(String text) {
        this.text = text;
    }

    /** The action's text in the log. */
    public String text() {
        return text;
    }

    /** A member's role became {@code role} (owner, admin or viewer). */
    public static AuditAction memberRole(String role) {
        return switch (role) {
            case "owner" -> MEMBER_ROLE_OWNER;
            case "admin" -> MEMBER_ROLE_ADMIN;
            case "viewer" -> MEMBER_ROLE_VIEWER;
            default -> throw new IllegalArgumentException("not a role: " + role);
        };
    }
}
