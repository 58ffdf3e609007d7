package io.pushgate.tenant.audit;

import io.pushgate.tenant.audit.AuditEvents.AuditEvent;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.Page;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /v1/audit-events}: the tenant's audit log, newest first, paged. */
@RestController
class AuditEventEndpoints {

    private final AuditEvents events;

    AuditEventEndpoints(AuditEvents events) {
        this.events = events;
    }

    @GetMapping("/v1/audit-events")
    Mono<Page<AuditEvent>> list(
            Caller caller,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return events.list(caller, cursor, limit);
    }
}
