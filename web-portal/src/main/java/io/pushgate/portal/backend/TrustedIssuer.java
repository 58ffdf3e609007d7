package io.pushgate.portal.backend;

import java.time.Instant;
import java.util.UUID;

/** An identity provider whose tokens may register the tenant's devices. */
public record TrustedIssuer(UUID id, String issuer, String jwksUri, String audience, Instant createdAt) {}
