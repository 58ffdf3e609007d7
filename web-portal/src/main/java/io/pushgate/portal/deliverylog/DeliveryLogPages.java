package io.pushgate.portal.deliverylog;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.backend.Backend;
import io.pushgate.portal.backend.Configuration;
import io.pushgate.portal.backend.MemberView;
import io.pushgate.portal.backend.Notification;
import io.pushgate.portal.backend.Page;
import io.pushgate.portal.web.Flash;
import io.pushgate.portal.web.LiveEvents;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /deliveries}: the tenant's notifications, newest first, from delivery-service's read API
 * ({@code GET /v1/notifications}), filtered by configuration, status, session id and event id, 50 a
 * page; {@code /deliveries/{id}}: one notification with its attempts (provider, outcome, the error code
 * in words, latency) and its re-sends. Both are live through server-sent events ({@link LiveEvents},
 * htmx's SSE extension): the list's first page through {@code /deliveries/events}, whose {@code
 * changed} makes the browser fetch the list's fragment ({@code /deliveries/list}); a notification's
 * page, while it is under way, through {@code /deliveries/{id}/events}, whose {@code changed} makes
 * the browser fetch its fragment ({@code /deliveries/{id}/live}) and which ends once the notification
 * did. A dropped stream reconnects (the extension, with back-off) and, as a safety net, each fragment
 * is also asked for every {@value #FALLBACK_SECONDS} s (the list's swapped only when it changed).
 * Without JavaScript, a reload shows the news. Owners and admins get "Re-send" on notifications that
 * ended {@code failed}, {@code expired}, {@code no_device} or {@code token_invalid} ({@code POST
 * /v1/notifications/{id}:resend}).
 */
@Controller
class DeliveryLogPages {

    /** The live views' safety net: how often each asks for its fragment even without an event. */
    static final int FALLBACK_SECONDS = 60;

    static final List<String> STATUSES =
            List.of("accepted", "retrying", "delivered", "no_device", "token_invalid", "failed", "expired");

    private static final ParameterizedTypeReference<Page<Notification>> NOTIFICATIONS =
            new ParameterizedTypeReference<>() {};
    private static final ParameterizedTypeReference<Page<Configuration>> CONFIGURATIONS =
            new ParameterizedTypeReference<>() {};
    private static final ParameterizedTypeReference<Page<MemberView>> MEMBERS = new ParameterizedTypeReference<>() {};

    private final Backend backend;

    DeliveryLogPages(Backend backend) {
        this.backend = backend;
    }

    @GetMapping("/deliveries")
    Mono<String> deliveries(
            ServerWebExchange exchange,
            @RequestParam(required = false) String configurationId,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String sessionId,
            @RequestParam(required = false) String eventId,
            @RequestParam(required = false) String cursor,
            Model model) {
        LogFilter filter = new LogFilter(configurationId, status, sessionId, eventId, cursor);
        return names(exchange).zipWith(list(exchange, filter, model)).map(loaded -> {
            model.addAttribute("configurations", loaded.getT1());
            model.addAttribute(
                    "knownConfiguration",
                    filter.configurationId() == null
                            || loaded.getT1().keySet().stream()
                                    .anyMatch(known -> known.toString().equals(filter.configurationId())));
            model.addAttribute("version", version(model));
            model.addAttribute("statuses", STATUSES);
            return "deliveries";
        });
    }

    /** The list alone, fetched when the stream says it changed (and by the fallback poll). */
    @GetMapping("/deliveries/list")
    Mono<String> list(
            ServerWebExchange exchange,
            @RequestParam(required = false) String configurationId,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String sessionId,
            @RequestParam(required = false) String eventId,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) String seen,
            Model model) {
        LogFilter filter = new LogFilter(configurationId, status, sessionId, eventId, cursor);
        return names(exchange).zipWith(list(exchange, filter, model)).map(loaded -> {
            model.addAttribute("configurations", loaded.getT1());
            String version = version(model);
            model.addAttribute("version", version);
            if (version.equals(seen)) {
                // nothing changed since the browser's copy: htmx keeps it (and the focus within it)
                exchange.getResponse().getHeaders().set("HX-Reswap", "none");
            }
            return "deliveries :: list";
        });
    }

    /**
     * {@code changed} whenever the first page of the list with this filter changed, the first time at
     * once ({@link LiveEvents}); {@code ended} when the member's session ended or the filter is refused.
     */
    @GetMapping(value = "/deliveries/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    Flux<ServerSentEvent<String>> events(
            ServerWebExchange exchange,
            @RequestParam(required = false) String configurationId,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String sessionId,
            @RequestParam(required = false) String eventId) {
        LogFilter filter = new LogFilter(configurationId, status, sessionId, eventId, null);
        List<Object> values = new ArrayList<>();
        String uri = filter.apiUri(values);
        return LiveEvents.changes(
                "changed",
                () -> backend.delivery(exchange)
                        .get(NOTIFICATIONS, uri, values.toArray())
                        .map(page -> Objects.hash(page.items(), page.nextCursor())),
                page -> false,
                "");
    }

    /**
     * {@code changed} whenever the notification changed (its status, attempts, re-sends), the first
     * time at once ({@link LiveEvents}); {@code ended} after the change that finished it, and when the
     * member's session ended or the notification is not found.
     */
    @GetMapping(value = "/deliveries/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    Flux<ServerSentEvent<String>> notificationEvents(ServerWebExchange exchange, @PathVariable String id) {
        return LiveEvents.changes(
                "changed",
                () -> Mono.fromCallable(() -> id(id))
                        .flatMap(notificationId -> backend.delivery(exchange)
                                .get(Notification.class, "/v1/notifications/{id}", notificationId)),
                notification -> !notification.isUnderWay(),
                "");
    }

    /** What the list shows, as a short text that changes when any of it does. */
    private static String version(Model model) {
        return Integer.toHexString(Objects.hash(
                model.getAttribute("notifications"),
                model.getAttribute("nextCursor"),
                model.getAttribute("filterError"),
                model.getAttribute("configurations")));
    }

    /** The tenant's configurations' names by id. */
    private Mono<Map<UUID, String>> names(ServerWebExchange exchange) {
        return backend.tenant(exchange)
                .get(CONFIGURATIONS, "/v1/configurations?limit=200")
                .map(page -> {
                    Map<UUID, String> byId = new LinkedHashMap<>();
                    page.items().forEach(configuration -> byId.put(configuration.id(), configuration.name()));
                    return byId;
                });
    }

    private Mono<Boolean> list(ServerWebExchange exchange, LogFilter filter, Model model) {
        List<Object> values = new ArrayList<>();
        String uri = filter.apiUri(values);
        model.addAttribute("filter", filter);
        return backend.delivery(exchange)
                .get(NOTIFICATIONS, uri, values.toArray())
                .map(page -> {
                    model.addAttribute("notifications", page.items());
                    model.addAttribute("nextCursor", page.nextCursor());
                    model.addAttribute("filterError", null);
                    model.addAttribute("filterField", null);
                    return true;
                })
                .onErrorResume(problem -> problem instanceof ApiProblem api && api.status() == 400, problem -> {
                    // a filter the read API refuses (e.g. a session id over 128 characters)
                    model.addAttribute("notifications", List.of());
                    model.addAttribute("nextCursor", null);
                    ApiProblem refused = (ApiProblem) problem;
                    model.addAttribute("filterField", refused.field());
                    model.addAttribute(
                            "filterError",
                            "configurationId".equals(refused.field())
                                    ? "\u201c" + filter.configurationId()
                                            + "\u201d is not one of your configurations: choose one from the list"
                                    : refused.message());
                    return Mono.just(false);
                });
    }

    @GetMapping("/deliveries/{id}")
    Mono<String> delivery(ServerWebExchange exchange, @PathVariable String id, Model model) {
        return notification(exchange, id, model).thenReturn("delivery");
    }

    /** The notification's status, attempts and re-sends alone, fetched when its stream says it changed. */
    @GetMapping("/deliveries/{id}/live")
    Mono<String> live(ServerWebExchange exchange, @PathVariable String id, Model model) {
        return notification(exchange, id, model).thenReturn("delivery :: details");
    }

    private Mono<Notification> notification(ServerWebExchange exchange, String id, Model model) {
        UUID notificationId = id(id);
        return backend.delivery(exchange)
                .get(Notification.class, "/v1/notifications/{id}", notificationId)
                .flatMap(notification -> backend.tenant(exchange)
                        .get(Configuration.class, "/v1/configurations/{id}", notification.configurationId())
                        .map(Configuration::name)
                        .onErrorResume(ApiProblem.class, gone -> Mono.just("a deleted configuration"))
                        .zipWith(members(exchange, notification))
                        .map(found -> {
                            model.addAttribute("notification", notification);
                            model.addAttribute("configurationName", found.getT1());
                            model.addAttribute("members", found.getT2());
                            return notification;
                        }));
    }

    /**
     * Who re-sent it, by member id (a member's token names its member id as {@code sub}): their e-mail
     * addresses; none asked for a notification never re-sent. A removed member shows as its id.
     */
    private Mono<Map<String, String>> members(ServerWebExchange exchange, Notification notification) {
        if (notification.resends().isEmpty()) {
            return Mono.just(Map.of());
        }
        return backend.tenant(exchange).get(MEMBERS, "/v1/members?limit=200").map(page -> {
            Map<String, String> emails = new LinkedHashMap<>();
            page.items().forEach(member -> emails.put(member.id().toString(), member.email()));
            return emails;
        });
    }

    /**
     * Re-sends the notification (owners and admins: the portal's rule for every POST) and goes back to
     * where the button was ({@code back}: the list with its filters, or the notification's page).
     */
    @PostMapping("/deliveries/{id}/resend")
    Mono<String> resend(ServerWebExchange exchange, @PathVariable String id) {
        UUID notificationId = id(id);
        return exchange.getFormData().flatMap(form -> {
            String back = form.getFirst("back");
            String next = back != null && back.startsWith("/deliveries") && !back.startsWith("//")
                    ? back
                    : "/deliveries/" + notificationId;
            return backend.delivery(exchange)
                    .send(HttpMethod.POST, Map.of(), "/v1/notifications/{id}:resend", notificationId)
                    .then(Flash.notice(exchange, "Re-sent: the notification goes to the session's current device."))
                    .onErrorResume(
                            problem -> problem instanceof ApiProblem api && api.status() == 409,
                            refused -> Flash.notice(
                                    exchange,
                                    "Not re-sent: it is being delivered or was delivered already (someone may have"
                                            + " re-sent it just now)."))
                    .thenReturn("redirect:" + next);
        });
    }

    private static UUID id(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException notAnId) {
            throw new ApiProblem(404, null, null, "no such notification", null);
        }
    }
}
