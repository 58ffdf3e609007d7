package io.pushgate.portal.dashboard;

import io.pushgate.portal.backend.ApiProblem;
import io.pushgate.portal.backend.Backend;
import io.pushgate.portal.backend.Configuration;
import io.pushgate.portal.backend.Page;
import io.pushgate.portal.backend.RefusedCallback;
import io.pushgate.portal.backend.StatsSeries;
import io.pushgate.portal.deliverylog.DeliveryWords;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code /dashboard}: the tenant's traffic as four charts, from delivery-service's {@code GET
 * /v1/stats/series}: callbacks by answer (refused ones by reason), deliveries by final status, accept
 * → provider latency p50/p99, registrations active and removed as dead; over the last hour (a point a
 * minute), day (an hour) or 30 days (a day), of all configurations or one. The charts are drawn by
 * {@code /js/dashboard.js} with uPlot from its webjar; each has a table of its totals beside it, so
 * that the page says the same without the script or the sight of the chart. A configuration that is
 * not one of the tenant's (or not an id at all) is named as an error next to its field, without charts;
 * a delivery-service that does not answer makes the page say "Charts are unavailable right now" in
 * place of the charts, the rest of it working.
 */
@Controller
class DashboardPages {

    private static final Logger log = LoggerFactory.getLogger(DashboardPages.class);

    private static final ParameterizedTypeReference<Page<Configuration>> CONFIGURATIONS =
            new ParameterizedTypeReference<>() {};

    private final Backend backend;
    private final DeliveryWords words;

    DashboardPages(Backend backend, DeliveryWords words) {
        this.backend = backend;
        this.words = words;
    }

    @GetMapping("/dashboard")
    Mono<String> dashboard(
            ServerWebExchange exchange,
            @RequestParam(required = false) String range,
            @RequestParam(required = false) String configurationId,
            Model model) {
        Range chosen = Range.of(range);
        String configuration = configurationId == null ? "" : configurationId.strip();
        Instant now = Instant.now();
        Instant from = chosen.from(now);
        Instant to = from.plus(Duration.of(chosen.points, chosen.unit).toSeconds(), ChronoUnit.SECONDS);
        String uri = "/v1/stats/series?from={from}&to={to}&step={step}";
        List<Object> variables = new ArrayList<>(List.of(from.toString(), to.toString(), chosen.step));
        if (!configuration.isEmpty()) {
            // as typed: delivery-service refuses what is not a configuration's id (400) or not this tenant's (404)
            uri += "&configurationId={configurationId}";
            variables.add(configuration);
        }
        Mono<Shown> shown = backend.delivery(exchange)
                .get(StatsSeries.class, uri, variables.toArray())
                .map(series -> new Shown(charts(series, chosen, words), null, true))
                .onErrorResume(ApiProblem.class, problem -> {
                    if (problem.status() == 404
                            || (problem.status() == 400 && "configurationId".equals(problem.field()))) {
                        exchange.getResponse().setStatusCode(HttpStatus.valueOf(problem.status()));
                        return Mono.just(new Shown(
                                List.of(),
                                "\u201c" + shortened(configuration)
                                        + "\u201d is not one of your configurations: choose one from" + " the list.",
                                true));
                    }
                    if (problem.status() >= 500) {
                        log.debug("The dashboard's charts are unavailable: {}", problem.getMessage());
                        return Mono.just(new Shown(List.of(), null, false));
                    }
                    return Mono.error(problem);
                });
        Mono<Map<UUID, String>> names = backend.tenant(exchange)
                .get(CONFIGURATIONS, "/v1/configurations?limit=200")
                .map(page -> {
                    Map<UUID, String> byId = new LinkedHashMap<>();
                    page.items().forEach(c -> byId.put(c.id(), c.name()));
                    return byId;
                });
        return Mono.zip(shown, names).map(loaded -> {
            Shown charts = loaded.getT1();
            model.addAttribute("ranges", Range.values());
            model.addAttribute("range", chosen);
            model.addAttribute("configurations", loaded.getT2());
            model.addAttribute("configurationId", configuration);
            model.addAttribute(
                    "known",
                    loaded.getT2().keySet().stream()
                            .anyMatch(id -> id.toString().equals(configuration)));
            model.addAttribute("configurationError", charts.configurationError());
            model.addAttribute("chartsAvailable", charts.available());
            model.addAttribute("charts", charts.charts());
            return "dashboard";
        });
    }

    /**
     * What the page shows instead of, or as, its charts.
     *
     * @param configurationError why the configuration asked for was refused, or null
     * @param available whether delivery-service answered
     */
    private record Shown(List<Chart> charts, String configurationError, boolean available) {}

    /** A value as typed, at most 40 characters of it. */
    private static String shortened(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "\u2026";
    }

    static List<Chart> charts(StatsSeries series, Range range, DeliveryWords words) {
        List<StatsSeries.Point> points = series.points();
        List<Long> x = points.stream().map(point -> point.at().getEpochSecond()).toList();
        List<Chart> charts = new ArrayList<>();

        Map<String, List<Number>> callbacks = new LinkedHashMap<>();
        Map<String, String> callbackLabels = new LinkedHashMap<>();
        callbacks.put("accepted", counts(points, point -> point.callbacks().accepted()));
        callbackLabels.put("accepted", "Accepted");
        callbacks.put("duplicate", counts(points, point -> point.callbacks().duplicate()));
        callbackLabels.put("duplicate", "Duplicate");
        Map<String, Long> refusedTotals = new LinkedHashMap<>();
        for (StatsSeries.Point point : points) {
            point.callbacks().refusedByReason().forEach((reason, n) -> refusedTotals.merge(reason, n, Long::sum));
        }
        // a line per refusal reason that happened in the range; one "refused" line of zeros when none did
        refusedTotals.forEach((reason, total) -> {
            if (total > 0) {
                callbacks.put(
                        "refused:" + reason,
                        counts(
                                points,
                                point -> point.callbacks().refusedByReason().getOrDefault(reason, 0L)));
                callbackLabels.put("refused:" + reason, "Refused: " + RefusedCallback.inFewWords(reason));
            }
        });
        if (refusedTotals.values().stream().noneMatch(n -> n > 0)) {
            callbacks.put("refused", counts(points, point -> point.callbacks().refused()));
            callbackLabels.put("refused", "Refused");
        }
        charts.add(new Chart(
                "chart-callbacks",
                "Callbacks per " + range.per + " by answer",
                "callbacks",
                x,
                callbacks,
                callbackLabels,
                totals(callbacks, callbackLabels)));

        Map<String, List<Number>> deliveries = new LinkedHashMap<>();
        Map<String, String> statusLabels = new LinkedHashMap<>();
        List<String> statuses = points.isEmpty()
                ? List.of()
                : List.copyOf(points.get(0).notifications().keySet());
        for (String status : statuses) {
            deliveries.put(status, counts(points, point -> point.notifications().getOrDefault(status, 0L)));
            statusLabels.put(status, words.status(status));
        }
        charts.add(new Chart(
                "chart-deliveries",
                "Deliveries per " + range.per + " by final status",
                "notifications",
                x,
                deliveries,
                statusLabels,
                totals(deliveries, statusLabels)));

        Map<String, List<Number>> latency = new LinkedHashMap<>();
        latency.put("p50", values(points, point -> point.latencyMs().p50()));
        latency.put("p99", values(points, point -> point.latencyMs().p99()));
        Map<String, String> latencyLabels = Map.of("p50", "p50", "p99", "p99");
        Map<String, String> latencySummary = new LinkedHashMap<>();
        latency.forEach((label, values) -> latencySummary.put(
                "Highest " + label + " of a " + range.per,
                values.stream().filter(value -> value != null).mapToDouble(Number::doubleValue).max().stream()
                        .mapToObj(ms -> ms + " ms")
                        .findFirst()
                        .orElse("no deliveries")));
        charts.add(new Chart(
                "chart-latency",
                "Accept → provider latency, p50 and p99 (ms)",
                "milliseconds",
                x,
                latency,
                latencyLabels,
                latencySummary));

        Map<String, List<Number>> registrations = new LinkedHashMap<>();
        registrations.put(
                "active", counts(points, point -> point.registrations().active()));
        registrations.put(
                "removedAsDead", counts(points, point -> point.registrations().removedAsDead()));
        Map<String, String> registrationLabels = Map.of("active", "Active", "removedAsDead", "Removed as dead");
        Map<String, String> registrationSummary = new LinkedHashMap<>();
        registrationSummary.put(
                "Active now",
                points.isEmpty()
                        ? "0"
                        : Long.toString(
                                points.get(points.size() - 1).registrations().active()));
        registrationSummary.put(
                "Removed as dead in this range",
                Long.toString(points.stream()
                        .mapToLong(point -> point.registrations().removedAsDead())
                        .sum()));
        charts.add(new Chart(
                "chart-registrations",
                "Registrations active and removed as dead",
                "registrations",
                x,
                registrations,
                registrationLabels,
                registrationSummary));
        return charts;
    }

    private static List<Number> counts(List<StatsSeries.Point> points, ToLongFunction<StatsSeries.Point> count) {
        return points.stream().<Number>map(point -> count.applyAsLong(point)).toList();
    }

    private static List<Number> values(List<StatsSeries.Point> points, Function<StatsSeries.Point, Double> value) {
        List<Number> values = new ArrayList<>(points.size());
        points.forEach(point -> values.add(value.apply(point)));
        return values;
    }

    /** Each series' total over the range, by its label. */
    private static Map<String, String> totals(Map<String, List<Number>> series, Map<String, String> labels) {
        Map<String, String> totals = new LinkedHashMap<>();
        series.forEach((key, values) -> totals.put(
                labels.get(key),
                Long.toString(values.stream().mapToLong(Number::longValue).sum())));
        return totals;
    }
}
