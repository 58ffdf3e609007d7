package io.pushgate.portal.member;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.backend.Backend;
import io.pushgate.portal.backend.MemberView;
import io.pushgate.portal.backend.Page;
import io.pushgate.portal.web.Flash;
import io.pushgate.portal.web.FormErrors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** {@code /members}: who may use the tenant's portal, and with which role. */
@Controller
class MemberPages {

    static final ParameterizedTypeReference<Page<MemberView>> MEMBERS = new ParameterizedTypeReference<>() {};

    private final Backend backend;

    MemberPages(Backend backend) {
        this.backend = backend;
    }

    @GetMapping("/members")
    Mono<String> list(ServerWebExchange exchange, Model model) {
        return list(exchange, FormErrors.none(), null, Map.of(), model);
    }

    @PostMapping("/members")
    Mono<String> add(ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("email", value(form, "email").strip());
            body.put("password", value(form, "password"));
            body.put("role", value(form, "role"));
            return backend.tenant(exchange)
                    .send(HttpMethod.POST, body, MemberView.class, "/v1/members")
                    .flatMap(added -> Flash.notice(
                            exchange,
                            added.email() + " can sign in now, as " + added.role()
                                    + ". Give them their password in person or through another channel."))
                    .thenReturn("redirect:/members")
                    .onErrorResume(ApiProblem.class, problem -> refused(exchange, null, problem, form, model));
        });
    }

    @PostMapping("/members/{id}/role")
    Mono<String> role(ServerWebExchange exchange, @PathVariable String id, Model model) {
        UUID member = uuid(id);
        return exchange.getFormData()
                .flatMap(form -> backend.tenant(exchange)
                        .send(
                                HttpMethod.PATCH,
                                Map.of("role", value(form, "role")),
                                MemberView.class,
                                "/v1/members/{id}",
                                member)
                        .flatMap(changed -> Flash.notice(exchange, changed.email() + " is now " + changed.role() + "."))
                        .thenReturn("redirect:/members")
                        .onErrorResume(ApiProblem.class, problem -> refused(exchange, member, problem, form, model)));
    }

    @PostMapping("/members/{id}/delete")
    Mono<String> remove(ServerWebExchange exchange, @PathVariable String id, Model model) {
        UUID member = uuid(id);
        return exchange.getFormData()
                .flatMap(form -> backend.tenant(exchange)
                        .send(HttpMethod.DELETE, null, "/v1/members/{id}", member)
                        .then(Flash.notice(exchange, "Member removed: they can no longer sign in."))
                        .thenReturn("redirect:/members")
                        .onErrorResume(ApiProblem.class, problem -> refused(exchange, member, problem, form, model)));
    }

    private Mono<String> refused(
            ServerWebExchange exchange,
            UUID member,
            ApiProblem problem,
            MultiValueMap<String, String> form,
            Model model) {
        exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
        Map<String, String> fields = Map.of("type:email-taken", "email", "type:last-owner", "role");
        Map<String, String> values = new LinkedHashMap<>(form.toSingleValueMap());
        values.remove("password");
        return list(exchange, FormErrors.of(problem, fields), member, values, model);
    }

    private Mono<String> list(
            ServerWebExchange exchange, FormErrors errors, UUID failedMember, Map<String, String> form, Model model) {
        return backend.tenant(exchange).get(MEMBERS, "/v1/members?limit=200").map(page -> {
            model.addAttribute("members", page.items());
            model.addAttribute("errors", errors);
            model.addAttribute("failedMember", failedMember);
            model.addAttribute("form", form);
            return "members";
        });
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(404, null, null, "no such member", null);
        }
    }

    private static String value(MultiValueMap<String, String> form, String name) {
        String value = form.getFirst(name);
        return value == null ? "" : value;
    }
}
