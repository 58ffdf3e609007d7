package io.pushgate.api;

import java.util.List;

/**
 * The scopes of Pushgate's platform tokens (the JWT claim {@code scope}, space-separated). Resource
 * servers check them as Spring Security authorities {@code SCOPE_<scope>}.
 */
public final class Scopes {

    /** Read the tenant's control-plane resources. Every member role has it. */
    public static final String TENANT_READ = "tenant.read";
    /** Change configurations, credentials, app clients and trusted issuers: owners and admins. */
    public static final String TENANT_WRITE = "tenant.write";
    /** Add, change and remove members: owners only. */
    public static final String MEMBERS_WRITE = "members.write";
    /** Register device tokens (app clients' client_credentials tokens). */
    public static final String REGISTRATIONS = "registrations";

    private Scopes() {}

    /** The scopes an admin token of a member with {@code role} (owner, admin, viewer) carries. */
    public static List<String> ofRole(String role) {
        return switch (role) {
            case "owner" -> List.of(TENANT_READ, TENANT_WRITE, MEMBERS_WRITE);
            case "admin" -> List.of(TENANT_READ, TENANT_WRITE);
            case "viewer" -> List.of(TENANT_READ);
            default -> throw new IllegalArgumentException("unknown role: " + role);
        };
    }
}
