package io.pushgate.delivery.limit;

import io.pushgate.delivery.configuration.TenantPlan;

/** The buckets a tenant's plan gives, each versioned by the plan's version. */
final class Rates {

    /** The share of a credential's rate its bucket holds when full: a tenth of a second's pushes. */
    static final int DELIVERY_BURST_DIVISOR = 10;

    private Rates() {}

    /** {@code callbackBurst} callbacks, refilled at {@code callbacksPerSecond}. */
    static Rate callbacks(TenantPlan plan) {
        return Rate.perSecond(plan.plan().callbacksPerSecond(), plan.plan().callbackBurst(), plan.version());
    }

    /** {@code registrationsPerSecond} calls, a second's worth at once. */
    static Rate registrations(TenantPlan plan) {
        long rate = plan.plan().registrationsPerSecond();
        return Rate.perSecond(rate, rate, plan.version());
    }

    /** {@code deliveriesPerSecondPerCredential} pushes, a tenth of a second's worth at once. */
    static Rate deliveries(TenantPlan plan) {
        long rate = plan.plan().deliveriesPerSecondPerCredential();
        return Rate.perSecond(rate, Math.max(1, rate / DELIVERY_BURST_DIVISOR), plan.version());
    }
}
