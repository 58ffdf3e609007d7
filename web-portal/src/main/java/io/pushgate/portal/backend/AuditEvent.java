package io.pushgate.portal.backend;

import java.time.Instant;

/** One line of the audit log. */
public record AuditEvent(
        long id, String actor, String action, String target, String sourceIp, String outcome, Instant occurredAt) {}
