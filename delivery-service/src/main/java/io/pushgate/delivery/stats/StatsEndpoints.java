package io.pushgate.delivery.stats;

import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.apidoc.Query;
import io.pushgate.delivery.apidoc.QueryParameter;
import io.pushgate.delivery.configuration.TenantConfigurations;
import io.pushgate.delivery.security.ApiRejected;
import io.pushgate.delivery.security.Caller;
import io.pushgate.delivery.security.Problems;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/stats/series?from&to&step=1m|1h|1d[&configurationId]} for a tenant's members (scope
 * {@code tenant.read}, checked by the security chain). {@code to} defaults to now, {@code step} to
 * {@code 1m}, {@code from} to 60 steps before {@code to}; at most {@code pushgate.stats.max-points}
 * points. Another tenant's configuration is a 404 like one that does not exist.
 */
@Component
class StatsEndpoints {

    private static final Logger log = LoggerFactory.getLogger(StatsEndpoints.class);
    private static final int DEFAULT_POINTS = 60;
    private static final String STEPS =
            Arrays.stream(Step.values()).map(Step::text).collect(Collectors.joining(", "));

    private static final QueryParameter FROM = QueryParameter.instant("from", "the first point");
    private static final QueryParameter TO = QueryParameter.instant("to", "the end of the last point");
    private static final QueryParameter STEP = QueryParameter.oneOf(
            "step", Arrays.stream(Step.values()).map(Step::text).toList(), "the points' width");
    private static final QueryParameter CONFIGURATION_ID =
            QueryParameter.id("configurationId", "a configuration's id (tenant-service's)");

    /** The query parameters of {@code GET /v1/stats/series}. */
    static final List<QueryParameter> SERIES_QUERY = List.of(FROM, TO, STEP, CONFIGURATION_ID);

    private final SeriesQueries queries;
    private final TenantConfigurations configurations;
    private final StatsSettings settings;

    StatsEndpoints(SeriesQueries queries, TenantConfigurations configurations, StatsSettings settings) {
        this.queries = queries;
        this.configurations = configurations;
        this.settings = settings;
    }

    Mono<ServerResponse> series(ServerRequest request, Query query) {
        return Caller.current()
                .switchIfEmpty(Mono.error(() -> new ApiRejected(
                        DeliveryApiProblem.UNAUTHENTICATED, "a bearer token with scope tenant.read is required")))
                .flatMap(caller -> Mono.defer(() -> series(caller.tenantId(), query)))
                .timeout(settings.readTimeout())
                .flatMap(series -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(series))
                .onErrorResume(error -> problem(request, error));
    }

    private Mono<Series> series(UUID tenant, Query query) {
        Step step = query.first(STEP)
                .map(text ->
                        Step.of(text).orElseThrow(() -> ApiRejected.invalidField("step", "must be one of " + STEPS)))
                .orElse(Step.MINUTE);
        Instant to = instant(query, TO);
        if (to == null) {
            to = Instant.now();
        }
        Instant from = instant(query, FROM);
        if (from == null) {
            from = to.minus(step.width().multipliedBy(DEFAULT_POINTS));
        }
        if (!from.isBefore(to)) {
            throw ApiRejected.invalidField("from", "must be before to");
        }
        long points = SeriesQueries.points(from, to, step);
        if (points > settings.maxPoints()) {
            throw ApiRejected.invalidField(
                    "from",
                    "from to to at step " + step.text() + " makes " + points + " points; at most "
                            + settings.maxPoints() + ": choose a larger step or a shorter span");
        }
        UUID configurationId = configurationId(query);
        Instant start = from;
        Instant end = to;
        if (configurationId == null) {
            return queries.series(tenant, null, start, end, step);
        }
        return configurations
                .rotation(tenant, configurationId)
                .flatMap(found -> found.isPresent()
                        ? queries.series(tenant, configurationId, start, end, step)
                        : Mono.error(ApiRejected.notFound("no such configuration")));
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

    private Mono<ServerResponse> problem(ServerRequest request, Throwable error) {
        if (error instanceof ApiRejected rejected) {
            return Problems.answer(rejected);
        }
        log.warn(
                "{} {} failed: {}",
                request.method(),
                request.path(),
                error instanceof TimeoutException ? "no answer within " + settings.readTimeout() : error.toString());
        return Problems.answer(ApiRejected.retryLater(
                DeliveryApiProblem.NOTIFICATIONS_UNAVAILABLE,
                "the statistics could not be read; try again later",
                settings.retryAfter()));
    }
}
