package io.pushgate.portal.attention;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.backend.Backend;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The tenant's health for the home page, from delivery-service's {@code GET /v1/attention}, in words
 * with a link to the page where each item is fixed. A delivery-service that does not answer (or
 * answers a problem) makes {@link Health#unavailable()}: the home page still renders and says so.
 */
@Service
public class AttentionItems {

    private static final Logger log = LoggerFactory.getLogger(AttentionItems.class);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** delivery-service's answer. */
    record Answer(List<Found> items) {}

    record Found(String kind, Subject subject, Long count, Instant at, String code, String hint) {}

    record Subject(String type, UUID id, String name) {}

    private final Backend backend;

    AttentionItems(Backend backend) {
        this.backend = backend;
    }

    public Mono<Health> load(ServerWebExchange exchange) {
        return backend.delivery(exchange)
                .get(Answer.class, "/v1/attention")
                .map(answer -> new Health(
                        true,
                        answer.items() == null
                                ? List.of()
                                : answer.items().stream()
                                        .map(AttentionItems::item)
                                        .toList()))
                .onErrorResume(ApiProblem.class, problem -> {
                    log.debug("The home page's health is unavailable: {}", problem.getMessage());
                    return Mono.just(Health.unavailable());
                });
    }

    static Health.Item item(Found found) {
        String name = "\u201c" + found.subject().name() + "\u201d";
        long count = found.count() == null ? 0 : found.count();
        String at = found.at() == null ? "" : TIME.format(found.at());
        return switch (found.kind()) {
            case "credential-failing" ->
                new Health.Item(
                        found.kind(),
                        "The credential " + name + " is refused: " + count + (count == 1 ? " send" : " sends")
                                + " failed with " + found.code() + ", the last at " + at + ".",
                        found.hint(),
                        "/credentials",
                        "Replace it on the Credentials page");
            case "certificate-expiring" ->
                new Health.Item(
                        found.kind(),
                        "The APNs certificate " + name
                                + (found.at() != null && found.at().isBefore(Instant.now())
                                        ? " expired on "
                                        : " expires on ")
                                + at + ".",
                        found.hint(),
                        "/credentials",
                        "Replace it on the Credentials page");
            case "callbacks-refused" ->
                new Health.Item(
                        found.kind(),
                        "AXP's callbacks to " + name + " are refused (" + found.code() + "): " + count
                                + (count == 1 ? " refusal" : " refusals") + " logged recently, the last at " + at + ".",
                        found.hint(),
                        "/configurations/" + found.subject().id(),
                        "See the refused callbacks of " + found.subject().name());
            case "delivery-backlog" ->
                new Health.Item(
                        found.kind(),
                        count + (count == 1 ? " notification" : " notifications") + " of " + name
                                + " wait undelivered, the oldest since " + at + ".",
                        found.hint(),
                        "/deliveries?configurationId=" + found.subject().id(),
                        "Open them in the delivery log");
            default -> new Health.Item(found.kind(), found.kind() + ": " + name, found.hint(), "/", "Get started");
        };
    }
}
