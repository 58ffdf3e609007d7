package io.pushgate.portal.backend;

/** A new app client with its secret, shown once. */
public record CreatedAppClient(String clientId, String clientSecret, String name) {
    @Override
    public String toString() {
        return "CreatedAppClient[clientId=" + clientId + "]";
    }
}
