package io.pushgate.delivery.readapi;

import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.apidoc.Query;
import io.pushgate.delivery.apidoc.QueryParameter;
import io.pushgate.delivery.notification.NotificationStatus;
import io.pushgate.delivery.sandbox.SandboxMessages;
import io.pushgate.delivery.sandbox.SandboxUnavailableException;
import io.pushgate.delivery.security.ApiRejected;
import io.pushgate.delivery.security.Caller;
import io.pushgate.delivery.security.Problems;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The delivery read API's handlers ({@link ReadApiRoutes}), for a tenant's admins (scope {@code
 * tenant.read}, checked by the security chain): {@code GET /v1/notifications} (filters {@code
 * status} (repeatable or comma-separated), {@code from}, {@code to}, {@code sessionId}, {@code
 * configurationId}, {@code eventId}; paged by {@code cursor} and {@code limit}), {@code GET
 * /v1/notifications/{id}} with its attempts, {@code GET /v1/stats} ({@code from}/{@code to}, default
 * the last hour, at most {@value #MAX_STATS_DAYS} days) and {@code GET /v1/sandbox/messages}. The
 * tenant is always the caller's; another tenant's notification is a 404 like a missing one.
 */
@Component
class ReadApiEndpoints {

    private static final Logger log = LoggerFactory.getLogger(ReadApiEndpoints.class);
    private static final long MAX_STATS_DAYS = 31;
    private static final Duration DEFAULT_STATS_WINDOW = Duration.ofHours(1);

    private static final QueryParameter STATUS = QueryParameter.anyOf(
            "status",
            Arrays.stream(NotificationStatus.values())
                    .map(NotificationStatus::text)
                    .toList());
    private static final QueryParameter RECEIVED_FROM = QueryParameter.instant("from", "received at or after");
    private static final QueryParameter RECEIVED_TO = QueryParameter.instant("to", "received before");
    private static final QueryParameter SESSION_ID = QueryParameter.text("sessionId", 128, "the AXP session's id");
    private static final QueryParameter CONFIGURATION_ID =
            QueryParameter.id("configurationId", "a configuration's id (tenant-service's)");
    private static final QueryParameter EVENT_ID = QueryParameter.text("eventId", 128, "the AXP event's id");
    private static final QueryParameter CURSOR = QueryParameter.cursor();
    private static final QueryParameter NOTIFICATIONS_LIMIT = QueryParameter.limit(NotificationQueries.MAX_LIMIT);
    private static final QueryParameter STATS_FROM = QueryParameter.instant("from", "the window's start");
    private static final QueryParameter STATS_TO = QueryParameter.instant("to", "the window's end");
    private static final QueryParameter SANDBOX_LIMIT = QueryParameter.limit(SandboxMessages.MAX_LIMIT);

    /** The query parameters of {@code GET /v1/notifications}. */
    static final List<QueryParameter> LIST_QUERY = List.of(
            STATUS, RECEIVED_FROM, RECEIVED_TO, SESSION_ID, CONFIGURATION_ID, EVENT_ID, CURSOR, NOTIFICATIONS_LIMIT);
    /** The query parameters of {@code GET /v1/stats}. */
    static final List<QueryParameter> STATS_QUERY = List.of(STATS_FROM, STATS_TO);
    /** The query parameters of {@code GET /v1/sandbox/messages}. */
    static final List<QueryParameter> SANDBOX_QUERY = List.of(CURSOR, SANDBOX_LIMIT);

    private final NotificationQueries notifications;
    private final SandboxMessages sandbox;
    private final ReadApiSettings settings;

    ReadApiEndpoints(NotificationQueries notifications, SandboxMessages sandbox, ReadApiSettings settings) {
        this.notifications = notifications;
        this.sandbox = sandbox;
        this.settings = settings;
    }

    /** {@code GET /v1/notifications}. */
    Mono<ServerResponse> list(ServerRequest request, Query query) {
        return forCaller(request, tenant -> list(notifications, tenant, query));
    }

    /** {@code GET /v1/notifications/{id}}. */
    Mono<ServerResponse> one(ServerRequest request) {
        return forCaller(request, tenant -> one(notifications, tenant, request));
    }

    /** {@code GET /v1/stats}. */
    Mono<ServerResponse> stats(ServerRequest request, Query query) {
        return forCaller(request, tenant -> stats(notifications, tenant, query));
    }

    /** {@code GET /v1/sandbox/messages}. */
    Mono<ServerResponse> sandboxMessages(ServerRequest request, Query query) {
        return forCaller(request, tenant -> sandbox(sandbox, tenant, query));
    }

    /** A call from an authenticated caller; the chain lets none other reach this. */
    private Mono<ServerResponse> forCaller(ServerRequest request, Function<UUID, Mono<ServerResponse>> call) {
        return Caller.current()
                .switchIfEmpty(Mono.error(() -> new ApiRejected(
                        DeliveryApiProblem.UNAUTHENTICATED, "a bearer token with scope tenant.read is required")))
                .flatMap(caller -> Mono.defer(() -> call.apply(caller.tenantId())))
                .timeout(settings.timeout())
                .onErrorResume(error -> problem(request, settings, error));
    }

    private static Mono<ServerResponse> list(NotificationQueries notifications, UUID tenant, Query query) {
        NotificationFilter filter;
        try {
            filter = new NotificationFilter(
                    statuses(query),
                    instant(query, RECEIVED_FROM),
                    instant(query, RECEIVED_TO),
                    text(query, SESSION_ID),
                    configurationId(query),
                    text(query, EVENT_ID));
        } catch (IllegalArgumentException e) {
            throw ApiRejected.invalidField("status", e.getMessage());
        }
        int limit = limit(query, NOTIFICATIONS_LIMIT, NotificationQueries.DEFAULT_LIMIT, NotificationQueries.MAX_LIMIT);
        Mono<NotificationPage> page;
        try {
            page = notifications.list(tenant, filter, query.first(CURSOR).orElse(null), limit);
        } catch (IllegalArgumentException e) {
            throw ApiRejected.invalidField("cursor", e.getMessage());
        }
        return page.flatMap(ReadApiEndpoints::ok);
    }

    private static Mono<ServerResponse> one(NotificationQueries notifications, UUID tenant, ServerRequest request) {
        UUID id;
        try {
            id = UUID.fromString(request.pathVariable("id"));
        } catch (IllegalArgumentException notAnId) {
            return Mono.error(notFound());
        }
        return notifications
                .get(tenant, id)
                .switchIfEmpty(Mono.error(ReadApiEndpoints::notFound))
                .flatMap(ReadApiEndpoints::ok);
    }

    private static Mono<ServerResponse> stats(NotificationQueries notifications, UUID tenant, Query query) {
        Instant to = Optional.ofNullable(instant(query, STATS_TO)).orElseGet(Instant::now);
        Instant from = Optional.ofNullable(instant(query, STATS_FROM)).orElseGet(() -> to.minus(DEFAULT_STATS_WINDOW));
        if (!from.isBefore(to)) {
            throw ApiRejected.invalidField("from", "must be before to");
        }
        if (Duration.between(from, to).toDays() > MAX_STATS_DAYS) {
            throw ApiRejected.invalidField("from", "the window may span at most " + MAX_STATS_DAYS + " days");
        }
        return notifications.stats(tenant, from, to).flatMap(ReadApiEndpoints::ok);
    }

    private static Mono<ServerResponse> sandbox(SandboxMessages sandbox, UUID tenant, Query query) {
        int limit = limit(query, SANDBOX_LIMIT, SandboxMessages.DEFAULT_LIMIT, SandboxMessages.MAX_LIMIT);
        try {
            return sandbox.list(tenant, query.first(CURSOR).orElse(null), limit).flatMap(ReadApiEndpoints::ok);
        } catch (IllegalArgumentException e) {
            throw ApiRejected.invalidField("cursor", e.getMessage());
        }
    }

    private static Mono<ServerResponse> ok(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    /** {@code status=a&status=b} and {@code status=a,b} alike. */
    private static Set<String> statuses(Query query) {
        Set<String> statuses = new LinkedHashSet<>();
        for (String value : query.all(STATUS)) {
            Arrays.stream(value.split(","))
                    .map(String::strip)
                    .filter(status -> !status.isEmpty())
                    .forEach(statuses::add);
        }
        return statuses;
    }

    private static Instant instant(Query query, QueryParameter parameter) {
        String value = query.first(parameter).orElse(null);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiRejected.invalidField(
                    parameter.name(), "must be an ISO-8601 instant such as 2026-11-25T21:00:00Z");
        }
    }

    /** {@code sessionId} or {@code eventId}: 1 to 128 characters, as the callback takes them. */
    private static String text(Query query, QueryParameter parameter) {
        String value = query.first(parameter).orElse(null);
        if (value != null && (value.isEmpty() || value.length() > 128)) {
            throw ApiRejected.invalidField(parameter.name(), "must have 1 to 128 characters");
        }
        return value;
    }

    private static UUID configurationId(Query query) {
        String value = query.first(CONFIGURATION_ID).orElse(null);
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException notAnId) {
            throw ApiRejected.invalidField("configurationId", "must be a configuration's id (a UUID)");
        }
    }

    private static int limit(Query query, QueryParameter parameter, int defaultLimit, int maxLimit) {
        String value = query.first(parameter).orElse(null);
        if (value == null) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= maxLimit) {
                return limit;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw ApiRejected.invalidField("limit", "must be a whole number from 1 to " + maxLimit);
    }

    private static ApiRejected notFound() {
        return new ApiRejected(DeliveryApiProblem.NOT_FOUND, "no such notification");
    }

    private static Mono<ServerResponse> problem(ServerRequest request, ReadApiSettings settings, Throwable error) {
        if (error instanceof ApiRejected rejected) {
            return Problems.answer(rejected);
        }
        if (error instanceof SandboxUnavailableException unavailable) {
            log.warn("Sandbox messages could not be read: {}", unavailable.getMessage());
            return Problems.answer(ApiRejected.retryLater(
                    DeliveryApiProblem.SANDBOX_UNAVAILABLE,
                    "the sandbox does not answer; try again later",
                    settings.retryAfter()));
        }
        log.warn(
                "{} {} failed: {}",
                request.method(),
                request.path(),
                error instanceof TimeoutException ? "no answer within " + settings.timeout() : error.toString());
        return Problems.answer(ApiRejected.retryLater(
                DeliveryApiProblem.NOTIFICATIONS_UNAVAILABLE,
                "notifications could not be read; try again later",
                settings.retryAfter()));
    }
}
