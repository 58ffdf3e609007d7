package io.pushgate.api;

/**
 * A tenant's plan: the rates the platform grants it, each per second. tenant-service keeps one per
 * tenant in {@code tenancy.plan} (changed by the platform operator only); a tenant without a row has
 * {@link #DEFAULT}. delivery-service enforces it.
 *
 * @param callbacksPerSecond AXP callbacks accepted per second, over all the tenant's configurations
 * @param callbackBurst callbacks accepted at once after a quiet spell (the bucket's capacity), at
 *     least {@code callbacksPerSecond}
 * @param registrationsPerSecond calls of the registration API per second
 * @param apiCallsPerSecond calls of the control-plane API per second
 * @param deliveriesPerSecondPerCredential pushes per second through one provider credential
 */
public record Plan(
        long callbacksPerSecond,
        long callbackBurst,
        long registrationsPerSecond,
        long apiCallsPerSecond,
        long deliveriesPerSecondPerCredential) {

    /**
     * The plan of every tenant until the operator gives it another: generous, so that it is a
     * ceiling against a runaway tenant rather than a quota a normal one meets. 10,000 callbacks/s is
     * the ingress's throughput target of one instance (docs/PERFORMANCE.md), with a burst of twice
     * that; FCM's default quota is 10,000 messages/s per project.
     */
    public static final Plan DEFAULT = new Plan(10_000, 20_000, 1_000, 100, 5_000);

    /** The largest rate a plan may grant (per second). */
    public static final long MAX_RATE = 1_000_000;

    /** The largest burst a plan may grant. */
    public static final long MAX_BURST = 10_000_000;
}
