package io.pushgate.delivery.limit;

/**
 * Which limit a bucket belongs to: the {@code limit} tag of the metrics and the segment of its keys in
 * Redis ({@code <prefix><text>:<id>}). Every limit runs on the same buckets ({@link LocalBuckets},
 * {@link RedisBuckets}); only its key and its rate differ.
 */
enum LimitKind {
    /** AXP callbacks per tenant, from its plan's {@code callbacksPerSecond} and {@code callbackBurst}. */
    CALLBACKS("callbacks"),
    /** Calls of the registration API per tenant, from its plan's {@code registrationsPerSecond}. */
    REGISTRATIONS("registrations"),
    /** Calls of the registration API per app client or issuer subject: a share of the tenant's. */
    REGISTRATIONS_PER_SUBJECT("registrations-subject"),
    /** Calls without a token (open registration) per client address. */
    OPEN_REGISTRATIONS_PER_ADDRESS("open-registrations-address"),
    /** Registrations without a token per configuration. */
    OPEN_REGISTRATIONS_PER_CONFIGURATION("open-registrations-configuration"),
    /** Pushes per credential (shaping, never a refusal), from the plan's {@code deliveriesPerSecondPerCredential}. */
    DELIVERIES("deliveries");

    private final String text;

    LimitKind(String text) {
        this.text = text;
    }

    /** The name in metrics and Redis keys; a published name never changes. */
    String text() {
        return text;
    }
}
