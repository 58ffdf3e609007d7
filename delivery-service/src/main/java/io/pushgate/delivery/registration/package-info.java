/**
 * Device registrations: the tenant-scoped store of device tokens by AXP session, its native API
 * ({@code /v1/device-registrations}), the aliases Avaya's sample apps call, open registration and the
 * clean-up of expired and invalidated registrations.
 */
package io.pushgate.delivery.registration;
