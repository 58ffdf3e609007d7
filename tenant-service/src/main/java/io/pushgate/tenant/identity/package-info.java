/** Tenants and their members: sign-up, sign-in (Argon2id, throttled), roles. */
package io.pushgate.tenant.identity;
