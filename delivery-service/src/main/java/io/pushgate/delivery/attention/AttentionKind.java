package io.pushgate.delivery.attention;

/** What an item of {@code GET /v1/attention} is about, by its {@linkplain #text() text}; a published text never changes. */
enum AttentionKind {
    /** A credential whose recent sends the provider refused for the credential itself. */
    CREDENTIAL_FAILING("credential-failing"),
    /** An APNs certificate that expires soon, or has expired. */
    CERTIFICATE_EXPIRING("certificate-expiring"),
    /** A configuration whose callbacks were refused recently. */
    CALLBACKS_REFUSED("callbacks-refused"),
    /** A configuration's notifications that wait unfinished past the backlog age. */
    DELIVERY_BACKLOG("delivery-backlog");

    private final String text;

    AttentionKind(String text) {
        this.text = text;
    }

    String text() {
        return text;
    }
}
