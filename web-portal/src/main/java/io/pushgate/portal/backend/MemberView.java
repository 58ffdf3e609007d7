package io.pushgate.portal.backend;

import java.time.Instant;
import java.util.UUID;

/** A member of the tenant. */
public record MemberView(UUID id, String email, String role, Instant createdAt) {}
