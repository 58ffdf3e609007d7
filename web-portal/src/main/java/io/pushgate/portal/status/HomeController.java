package io.pushgate.portal.status;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import reactor.core.publisher.Mono;

@Controller
class HomeController {

    private final PlatformStatus status;

    HomeController(PlatformStatus status) {
        this.status = status;
    }

    @GetMapping("/")
    Mono<String> home(Model model) {
        return status.services().map(services -> {
            model.addAttribute("services", services);
            model.addAttribute("allUp", services.stream().allMatch(PlatformStatus.ServiceStatus::up));
            return "home";
        });
    }
}
