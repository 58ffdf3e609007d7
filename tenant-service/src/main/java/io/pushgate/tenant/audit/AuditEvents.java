package io.pushgate.tenant.audit;

import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.Page;
import java.time.Instant;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** A tenant's audit events as they are read back: newest first, paged by id ({@link AuditLog} appends them). */
@Service
class AuditEvents {

    record AuditEvent(
            long id, String actor, String action, String target, String sourceIp, String outcome, Instant occurredAt) {}

    private final DatabaseClient db;

    AuditEvents(DatabaseClient db) {
        this.db = db;
    }

    Mono<Page<AuditEvent>> list(Caller caller, String cursor, Integer limit) {
        int size = Page.limit(limit);
        long before = before(caller.tenantId(), cursor);
        return db.sql("""
                        SELECT id, actor, action, target, source_ip, outcome, occurred_at FROM tenancy.audit_event
                        WHERE tenant_id = :tenantId AND id < :before ORDER BY id DESC LIMIT :limit
                        """)
                .bind("tenantId", caller.tenantId())
                .bind("before", before)
                .bind("limit", size + 1)
                .map(row -> new AuditEvent(
                        row.get("id", Long.class),
                        row.get("actor", String.class),
                        row.get("action", String.class),
                        row.get("target", String.class),
                        row.get("source_ip", String.class),
                        row.get("outcome", String.class),
                        row.get("occurred_at", Instant.class)))
                .all()
                .collectList()
                .map(rows -> Page.of(rows, size, event -> Page.cursor(caller.tenantId(), Long.toString(event.id()))));
    }

    private static long before(UUID tenantId, String cursor) {
        String position = Page.position(tenantId, cursor);
        if (position == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(position);
        } catch (NumberFormatException e) {
            throw ApiRejected.invalidField("cursor", "is not a cursor this list gave");
        }
    }
}
