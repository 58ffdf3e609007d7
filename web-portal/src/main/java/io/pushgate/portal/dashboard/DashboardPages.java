package io.pushgate.portal.dashboard;

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
import org.springframework.core.ParameterizedTypeReference;
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
 * that the page says the same without the script or the sight of the chart.
 */
@Controller
class DashboardPages {

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
        UUID configuration = uuid(configurationId);
        Instant now = Instant.now();
        Instant from = chosen.from(now);
        Instant to = from.plus(Duration.of(chosen.points, chosen.unit).toSeconds(), ChronoUnit.SECONDS);
        String uri = "/v1/stats/series?from={from}&to={to}&step={step}";
        List<Object> variables = new ArrayList<>(List.of(from.toString(), to.toString(), chosen.step));
        if (configuration != null) {
            uri += "&configurationId={configurationId}";
            variables.add(configuration);
        }
        Mono<StatsSeries> series = backend.delivery(exchange).get(StatsSeries.class, uri, variables.toArray());
        Mono<Map<UUID, String>> names = backend.tenant(exchange)
                .get(CONFIGURATIONS, "/v1/configurations?limit=200")
                .map(page -> {
                    Map<UUID, String> byId = new LinkedHashMap<>();
                    page.items().forEach(c -> byId.put(c.id(), c.name()));
                    return byId;
                });
        return Mono.zip(series, names).map(loaded -> {
            model.addAttribute("ranges", Range.values());
            model.addAttribute("range", chosen);
            model.addAttribute("configurations", loaded.getT2());
            model.addAttribute("configurationId", configuration == null ? "" : configuration.toString());
            model.addAttribute("charts", charts(loaded.getT1(), chosen, words));
            return "dashboard";
        });
    }

    private static UUID uuid(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException notAnId) {
            return null;
        }
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
