/** Tenants' plans: what each may use per second, read by its members and changed by the platform operator. */
package io.pushgate.tenant.plan;
