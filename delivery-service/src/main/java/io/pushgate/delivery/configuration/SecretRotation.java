package io.pushgate.delivery.configuration;

import java.time.Instant;
import java.util.UUID;

/**
 * A tenant's configuration as its secret-usage counts need it: the rotation in effect, told by the
 * previous secret's end.
 *
 * @param previousSecretValidUntil when the previous secret stops (or stopped) being accepted; {@code
 *     null} when there is no previous secret
 */
public record SecretRotation(UUID configurationId, UUID tenantId, Instant previousSecretValidUntil) {}
