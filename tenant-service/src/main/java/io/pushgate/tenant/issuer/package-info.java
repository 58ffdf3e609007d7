/** Trusted issuers: a tenant's own identity providers, whose tokens delivery-service accepts for its registrations. */
package io.pushgate.tenant.issuer;
