/**
 * Who calls delivery-service's API: platform tokens and tenants' trusted issuers' tokens, verified
 * against their JWKS; the one security filter chain of {@code /v1/**} and the Avaya aliases.
 */
package io.pushgate.delivery.security;
