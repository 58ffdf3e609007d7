package io.pushgate.delivery.configuration;

import io.pushgate.api.Plan;
import java.util.UUID;

/**
 * A tenant's plan as {@code tenancy.plan} holds it: {@link Plan#DEFAULT} at version 0 for a tenant
 * without a row. The version grows with every change of the plan; whatever is built from a plan
 * (a rate limiter's bucket) is rebuilt when it changes.
 */
public record TenantPlan(UUID tenantId, long version, Plan plan) {}
