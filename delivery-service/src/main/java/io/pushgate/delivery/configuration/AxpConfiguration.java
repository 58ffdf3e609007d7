package io.pushgate.delivery.configuration;

import java.util.UUID;

/**
 * An AXP push configuration as device registration needs it: the AXP Configuration Id apps send,
 * whose it is, and whether it takes registrations without a token.
 */
public record AxpConfiguration(
        UUID id, UUID tenantId, String axpConfigurationId, boolean enabled, boolean openRegistration) {}
