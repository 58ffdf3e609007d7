package io.pushgate.portal.audit;

import io.pushgate.portal.backend.AuditEvent;
import io.pushgate.portal.backend.Backend;
import io.pushgate.portal.backend.Page;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** {@code /audit}: every change and sign-in of the tenant, 50 a page. */
@Controller
class AuditPages {

    private static final ParameterizedTypeReference<Page<AuditEvent>> EVENTS = new ParameterizedTypeReference<>() {};

    private final Backend backend;

    AuditPages(Backend backend) {
        this.backend = backend;
    }

    @GetMapping("/audit")
    Mono<String> audit(ServerWebExchange exchange, @RequestParam(required = false) String cursor, Model model) {
        String uri = cursor == null || cursor.isBlank()
                ? "/v1/audit-events?limit=50"
                : "/v1/audit-events?limit=50&cursor={cursor}";
        return backend.tenant(exchange).get(EVENTS, uri, cursor).map(page -> {
            model.addAttribute("events", page.items());
            model.addAttribute("nextCursor", page.nextCursor());
            model.addAttribute("first", cursor == null || cursor.isBlank());
            return "audit";
        });
    }
}
