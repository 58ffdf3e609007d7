package io.pushgate.portal.status;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import reactor.core.publisher.Mono;

/**
 * {@code /status}: whether the services behind the portal are ready and reach their database, for
 * anyone (signed in or not).
 */
@Controller
class StatusPage {

    private final PlatformStatus status;

    StatusPage(PlatformStatus status) {
        this.status = status;
    }

    @GetMapping("/status")
    Mono<String> status(Model model) {
        return status.services().map(services -> {
            model.addAttribute("services", services);
            model.addAttribute("allUp", services.stream().allMatch(PlatformStatus.ServiceStatus::up));
            model.addAttribute("databaseUp", services.stream().allMatch(PlatformStatus.ServiceStatus::databaseUp));
            return "status";
        });
    }
}
