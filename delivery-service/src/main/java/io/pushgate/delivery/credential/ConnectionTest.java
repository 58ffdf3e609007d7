package io.pushgate.delivery.credential;

/**
 * The answer of {@code POST /v1/credentials/{id}:test}, in words for the tenant (the portal's {@code
 * credential.ConnectionTest} reads exactly these fields).
 *
 * @param ok whether the provider accepted the credential
 * @param outcome {@code accepted}, {@code rejected}, {@code unreachable} or {@code unusable} ({@link
 *     ConnectionOutcome})
 * @param message what happened
 * @param hint what to fix, or {@code null} when nothing needs fixing
 */
record ConnectionTest(boolean ok, String outcome, String message, String hint) {

    static ConnectionTest accepted(String message) {
        return new ConnectionTest(true, ConnectionOutcome.ACCEPTED.text(), message, null);
    }

    static ConnectionTest failed(ConnectionOutcome outcome, String message, String hint) {
        return new ConnectionTest(false, outcome.text(), message, hint);
    }
}
