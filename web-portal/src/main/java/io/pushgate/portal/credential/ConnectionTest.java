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
}
