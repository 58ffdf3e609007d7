package io.pushgate.portal.web;

/**
 * Which section of the main navigation a page belongs to, by its path: the one the navigation marks
 * as the current page ({@code aria-current}). The test event is onboarding's step ("Get started"),
 * wherever its button was pressed.
 */
final class Sections {

    private Sections() {}

    /** The section's key (as {@code layout.html} names it), or null for a page of none (the status page). */
    static String of(String path) {
        if (path.equals("/")
                || path.startsWith("/checklist/")
                || path.startsWith("/test-runs/")
                || path.matches("/configurations/[^/]+/test-events")) {
            return "start";
        }
        if (under(path, "/configurations")) {
            return "configurations";
        }
        if (under(path, "/credentials")) {
            return "credentials";
        }
        if (under(path, "/app-access") || under(path, "/app-clients") || under(path, "/trusted-issuers")) {
            return "app-access";
        }
        for (String section : new String[] {"members", "dashboard", "deliveries", "sandbox-phone", "audit"}) {
            if (under(path, "/" + section)) {
                return section;
            }
        }
        return null;
    }

    private static boolean under(String path, String root) {
        return path.equals(root) || path.startsWith(root + "/");
    }
}
