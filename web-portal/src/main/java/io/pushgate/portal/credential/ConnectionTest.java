package io.pushgate.portal.credential;

/**
 * What delivery-service's {@code POST /v1/credentials/{id}:test} answered, in words for the tenant.
 *
 * @param ok whether the provider accepted the credential
 * @param outcome {@code accepted}, {@code rejected}, {@code unreachable}, {@code unusable}, or
 *     {@code untested} when the test could not run
 * @param hint what to fix, or null
 */
record ConnectionTest(boolean ok, String outcome, String message, String hint) {

    static ConnectionTest untested(String message) {
        return new ConnectionTest(false, "untested", message, null);
    }

    /**
     * Whether the test said nothing about the credential: it could not run, or the provider could not
     * be reached. Shown as "Not tested", never as a failed connection a tenant would try to fix.
     */
    public boolean notTested() {
        return "untested".equals(outcome) || "unreachable".equals(outcome);
    }
}
