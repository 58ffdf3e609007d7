package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.AxpSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.api.junit.jupiter.InjectSoftAssertions;
import org.assertj.core.api.junit.jupiter.SoftAssertionsExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard in a real headless Chromium against the whole platform (the set-up of {@link
 * PortalBrowserIntegrationTests}): callbacks sent for real (accepted, duplicate, refused for two
 * reasons) show in delivery-service's {@code /v1/stats/series} exactly, and each of the page's charts
 * is drawn by uPlot (its canvas there) from exactly those numbers, over the last hour, day and 30 days.
 */
@ExtendWith(SoftAssertionsExtension.class)
class PortalDashboardBrowserIntegrationTests {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A time axis' label an hour or a minute apart: "13:05", with the date under midnight ("00:00\\n6 Dec"). */
    private static final Pattern HOUR_TICK = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d(\\n\\d{1,2} [A-Z][a-z]{2})?");
    /** A time axis' label days apart: "6 Dec". */
    private static final Pattern DAY_TICK = Pattern.compile("\\d{1,2} [A-Z][a-z]{2}");

    static PortalPlatform platform;
    Browser browser;

    /** What a test checks of the page's layout: each is reported at the test's end, the test going on meanwhile. */
    @InjectSoftAssertions
    SoftAssertions softly;

    @BeforeAll
    static void startPlatform() throws Exception {
        platform = PortalPlatform.start(Map.of(
                "delivery-service",
                List.of("--pushgate.stats.flush-interval=1s", "--pushgate.stats.registrations-interval=1s")));
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @BeforeEach
    void startBrowser() throws Exception {
        browser = Browser.start();
    }

    @AfterEach
    void closeBrowser() throws Exception {
        browser.close();
    }

    @Test
    void theChartsAreDrawnFromExactlyTheCallbacksSentAndTheApiCountsThemExactly() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        String token = platform.login(account);
        String created = PortalPlatform.send(
                "POST", platform.tenantService("/v1/configurations"), token, "{\"name\":\"Charted app\"}", 201);
        String callbackUrl = PortalPlatform.field(created, "callbackUrl");
        String secret = PortalPlatform.field(created, "secret");
        Instant started = Instant.now();

        // three accepted (no device registered: each ends no_device), one duplicate, three refused
        String first = UUID.randomUUID().toString();
        assertThat(callback(callbackUrl, secret, first)).isEqualTo(202);
        assertThat(callback(callbackUrl, secret, UUID.randomUUID().toString())).isEqualTo(202);
        assertThat(callback(callbackUrl, secret, UUID.randomUUID().toString())).isEqualTo(202);
        assertThat(callback(callbackUrl, secret, first))
                .as("the same event again")
                .isEqualTo(200);
        assertThat(callback(
                        callbackUrl,
                        "not this configuration's secret",
                        UUID.randomUUID().toString()))
                .isEqualTo(401);
        assertThat(callback(
                        callbackUrl, "not this one either", UUID.randomUUID().toString()))
                .isEqualTo(401);
        assertThat(callback(callbackUrl, null, UUID.randomUUID().toString())).isEqualTo(401);

        // the API: exactly what was sent, once delivery-service has flushed (every second here)
        Map<String, Long> expected = Map.of(
                "accepted", 3L,
                "duplicate", 1L,
                "refused", 3L,
                "refused:signature-mismatch", 2L,
                "refused:signature-missing", 1L,
                "no_device", 3L);
        Map<String, Long> api = waitForApi(token, started, expected);
        assertThat(api).containsAllEntriesOf(expected);
        assertThat(api.get("delivered")).isZero();
        assertThat(api.get("refused:configuration-disabled")).isZero();

        signIn(account);
        browser.find("nav a[href='/dashboard']").click();
        browser.settled();
        assertThat(browser.find("main h1").getText()).isEqualTo("Dashboard");
        Map<String, JsonNode> hour = charts(60);
        assertDrawnFrom(hour);
        assertTimeAxisIn24HourUtc(HOUR_TICK);
        assertThat(browser.find("main .lead").getText()).contains("UTC");
        assertThat(Double.parseDouble(browser.find("#chart-callbacks").getAttribute("data-y-max")))
                .as("the callbacks' axis reaches the 3 accepted")
                .isBetween(3.0, 10.0);
        assertChartsHaveThePagesWidthAndTheirLegendsColumns();
        softly.assertThat(browser.find("#chart-callbacks")
                        .getAttribute("data-x-ticks")
                        .split("\\|"))
                .as("the hour chart's time axis: a tick every few minutes, 1280 px wide")
                .hasSizeGreaterThanOrEqualTo(6);
        browser.screenshot("30-dashboard-hour");
        browser.assertAccessible("dashboard, last hour");

        browser.find("a[href^='/dashboard?range=day']").click();
        browser.settled();
        assertDrawnFrom(charts(24));
        assertTimeAxisIn24HourUtc(HOUR_TICK);
        browser.screenshot("30-dashboard-day");
        browser.assertAccessible("dashboard, last day");

        browser.find("a[href^='/dashboard?range=month']").click();
        browser.settled();
        assertDrawnFrom(charts(30));
        assertTimeAxisIn24HourUtc(DAY_TICK);
        browser.screenshot("31-dashboard-30-days");
        // on a phone each summary row reads as a line: its label, then its value beside it
        softly.assertThat(browser.atWidth(390, this::summaryRowsSideBySide))
                .as("the summary tables' rows, 390 px wide")
                .isNotEmpty()
                .allSatisfy(row -> assertThat(row).endsWith(": side by side"));
        browser.phoneScreenshot("31-dashboard-30-days-phone");
    }

    @Test
    void aChartOfZerosShowsAnAxisOfZeroToOneNotZeroToAHundred() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        signIn(account);
        browser.open(platform.portal("/dashboard"));
        charts(60);
        // a new tenant: no callback, no delivery, no latency, no registration
        for (String chart : List.of("chart-callbacks", "chart-deliveries", "chart-latency", "chart-registrations")) {
            assertValueAxis(chart, 0, 1);
        }
        browser.screenshot("34-dashboard-no-traffic");
    }

    @Test
    void theDashboardStillRendersAndSaysChartsAreUnavailableWhenDeliveryServiceIsDown() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        signIn(account);
        var delivery = ((WebServerApplicationContext) platform.platform.context("delivery-service")).getWebServer();
        delivery.stop();
        try {
            browser.open(platform.portal("/dashboard"));
            assertThat(browser.heading()).isEqualTo("Dashboard");
            assertThat(browser.find("#charts-unavailable").getText())
                    .contains("Charts are unavailable right now")
                    .contains("delivery-service does not answer");
            assertThat(browser.all(".chart")).isEmpty();
            assertThat(browser.all("#dashboard-range"))
                    .as("the rest of the page works")
                    .hasSize(1);
            browser.screenshot("32-dashboard-unavailable");
            browser.assertAccessible("dashboard without delivery-service");
        } finally {
            delivery.start();
        }
        browser.open(platform.portal("/dashboard"));
        assertThat(browser.all("#charts-unavailable")).isEmpty();
        charts(60);
    }

    @Test
    void aConfigurationThatIsNotOneOfTheTenantsIsAnErrorNextToItsFieldNotAllConfigurations() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        signIn(account);
        for (String configurationId : List.of("not-an-id", UUID.randomUUID().toString())) {
            browser.open(platform.portal("/dashboard?configurationId=" + configurationId));
            assertThat(browser.heading()).isEqualTo("Dashboard");
            assertThat(browser.find("#dashboard-configuration-error").getText())
                    .contains("\u201c" + configurationId + "\u201d is not one of your configurations");
            assertThat(browser.find("#dashboard-error").getText()).contains("is not one of your configurations");
            assertThat(browser.find("#dashboard-configuration").getAttribute("aria-invalid"))
                    .isEqualTo("true");
            assertThat(new Select(browser.find("#dashboard-configuration"))
                            .getFirstSelectedOption()
                            .getText())
                    .as("the form does not pretend to show all configurations")
                    .isEqualTo("Not one of yours: " + configurationId);
            assertThat(browser.all(".chart"))
                    .as("no charts of all configurations")
                    .isEmpty();
            // the error under its label leaves the other field and the button in line
            softly.assertThat(tops("form.filters .field > label"))
                    .as("the labels' tops")
                    .hasSize(1);
            softly.assertThat(tops("form.filters select, form.filters button"))
                    .as("the controls' tops")
                    .hasSize(1);
            browser.screenshot("33-dashboard-not-a-configuration");
            browser.assertAccessible("dashboard for " + configurationId);
        }
    }

    /**
     * Each chart is at least 60 % of the page's width (a chart a row); in its uPlot legend the time has
     * a line of its own, each series' entry is on one line, and the entries start in columns (each
     * entry's left is one of the first row's).
     */
    private void assertChartsHaveThePagesWidthAndTheirLegendsColumns() {
        double page = browser.boxes("main").get(0).get("width");
        for (String chart : List.of("chart-callbacks", "chart-deliveries", "chart-latency", "chart-registrations")) {
            softly.assertThat(browser.boxes("#" + chart).get(0).get("width"))
                    .as(chart + "'s width, of the page's " + page + " px")
                    .isGreaterThan(0.6 * page);
            String entries = "#" + chart + " .u-legend .u-series";
            softly.assertThat(browser.lineCounts(entries))
                    .as(chart + "'s legend entries, each on one line")
                    .containsOnly(1L);
            List<Map<String, Double>> boxes = browser.boxes(entries);
            List<Map<String, Double>> series = boxes.subList(1, boxes.size());
            double firstRow =
                    series.stream().mapToDouble(box -> box.get("top")).min().orElseThrow();
            softly.assertThat(boxes.get(0).get("top") + boxes.get(0).get("height"))
                    .as(chart + "'s legend: the time on a line of its own, above the series")
                    .isLessThanOrEqualTo(firstRow + 1);
            Set<Long> columns = series.stream()
                    .filter(box -> Math.abs(box.get("top") - firstRow) < 2)
                    .map(box -> Math.round(box.get("left")))
                    .collect(Collectors.toSet());
            softly.assertThat(series.stream()
                            .map(box -> Math.round(box.get("left")))
                            .toList())
                    .as(chart + "'s legend entries start in the columns " + columns)
                    .allSatisfy(left -> assertThat(columns).contains(left));
        }
    }

    /** Each summary table row as "label: side by side" when its value is on the label's line, right of it. */
    private List<String> summaryRowsSideBySide() {
        @SuppressWarnings("unchecked")
        List<String> rows = (List<String>)
                browser.driver.executeScript(
                        "return Array.from(document.querySelectorAll('.chart-card table.compact tbody tr')).map(function (tr) {"
                                + " var th = tr.querySelector('th').getBoundingClientRect();"
                                + " var td = tr.querySelector('td').getBoundingClientRect();"
                                + " var beside = Math.abs(th.top - td.top) < 2 && td.left >= th.right - 1;"
                                + " return tr.querySelector('th').textContent + (beside ? ': side by side' : ': stacked'); });");
        return rows;
    }

    /** The distinct tops (rounded to whole pixels) of the elements {@code css} selects. */
    private Set<Long> tops(String css) {
        return browser.boxes(css).stream()
                .map(box -> Math.round(box.get("top")))
                .collect(Collectors.toSet());
    }

    /** Every label of the time axis of every chart matches {@code tick}: 24-hour times, never am/pm. */
    private void assertTimeAxisIn24HourUtc(Pattern tick) {
        browser.waitFor(ignored -> browser.all(".chart[data-x-ticks]").size() == 4);
        for (WebElement chart : browser.all(".chart[data-chart]")) {
            String ticks = chart.getAttribute("data-x-ticks");
            assertThat(ticks.split("\\|"))
                    .as(chart.getAttribute("id") + "'s time axis: " + ticks)
                    .isNotEmpty()
                    .allSatisfy(label -> assertThat(label).matches(tick));
            assertThat(ticks.toLowerCase(Locale.ROOT)).doesNotContain("am").doesNotContain("pm");
        }
    }

    /** The value axis of chart {@code id} spans exactly {@code min} to {@code max}. */
    private void assertValueAxis(String id, double min, double max) {
        browser.waitFor(ignored -> browser.find("#" + id).getAttribute("data-y-max") != null);
        WebElement chart = browser.find("#" + id);
        assertThat(Double.parseDouble(chart.getAttribute("data-y-min"))).as(id).isEqualTo(min);
        assertThat(Double.parseDouble(chart.getAttribute("data-y-max"))).as(id).isEqualTo(max);
    }

    /** Each chart element with its canvas drawn by uPlot and {@code points} points per series; its data by id. */
    private Map<String, JsonNode> charts(int points) {
        browser.waitFor(ignored -> browser.all(".chart[data-chart]").size() == 4
                && browser.all(".chart[data-rendered='true']").size() == 4);
        Map<String, JsonNode> charts = new HashMap<>();
        for (WebElement chart : browser.all(".chart[data-chart]")) {
            assertThat(chart.findElements(org.openqa.selenium.By.cssSelector("canvas")))
                    .as(chart.getAttribute("id") + " has uPlot's canvas")
                    .isNotEmpty();
            assertThat(chart.getAttribute("data-drawn-points")).isEqualTo(Integer.toString(points));
            JsonNode data = JSON.readTree(chart.getAttribute("data-chart"));
            assertThat(data.get("x").size()).isEqualTo(points);
            data.get("series")
                    .forEach(line -> assertThat(line.get("values").size())
                            .as(line.get("key").asString())
                            .isEqualTo(points));
            charts.put(chart.getAttribute("id"), data);
        }
        assertThat(charts)
                .containsOnlyKeys("chart-callbacks", "chart-deliveries", "chart-latency", "chart-registrations");
        return charts;
    }

    /** The charts' series add up to exactly what was sent. */
    private static void assertDrawnFrom(Map<String, JsonNode> charts) {
        Map<String, Long> callbacks = sums(charts.get("chart-callbacks"));
        assertThat(callbacks)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "accepted", 3L,
                        "duplicate", 1L,
                        "refused:signature-mismatch", 2L,
                        "refused:signature-missing", 1L));
        Map<String, Long> deliveries = sums(charts.get("chart-deliveries"));
        assertThat(deliveries)
                .containsEntry("no_device", 3L)
                .containsEntry("delivered", 0L)
                .containsEntry("failed", 0L);
        // no provider answered (no device): no latency anywhere
        charts.get("chart-latency")
                .get("series")
                .forEach(line -> line.get("values")
                        .forEach(value -> assertThat(value.isNull()).isTrue()));
        assertThat(sums(charts.get("chart-registrations"))).containsEntry("removedAsDead", 0L);
    }

    private static Map<String, Long> sums(JsonNode chart) {
        Map<String, Long> sums = new HashMap<>();
        chart.get("series").forEach(line -> {
            long sum = 0;
            for (JsonNode value : line.get("values")) {
                sum += value.isNull() ? 0 : value.asLong();
            }
            sums.put(line.get("key").asString(), sum);
        });
        return sums;
    }

    /** {@code /v1/stats/series} since the test started, summed, until it shows {@code expected}. */
    private static Map<String, Long> waitForApi(String token, Instant started, Map<String, Long> expected)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Map<String, Long> sums = apiSums(token, started);
            if (sums.entrySet().containsAll(expected.entrySet())) {
                return sums;
            }
            assertThat(System.nanoTime())
                    .as("waited 30 s for the series to show " + expected + "; it shows " + sums)
                    .isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    private static Map<String, Long> apiSums(String token, Instant started) throws Exception {
        String from = started.truncatedTo(ChronoUnit.MINUTES).toString();
        String to = Instant.now()
                .plus(1, ChronoUnit.MINUTES)
                .truncatedTo(ChronoUnit.MINUTES)
                .toString();
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + platform.deliveryPort
                                + "/v1/stats/series?step=1m&from=" + from + "&to=" + to))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        Map<String, Long> sums = new HashMap<>();
        for (JsonNode point : JSON.readTree(answer.body()).get("points")) {
            sums.merge("accepted", point.at("/callbacks/accepted").asLong(), Long::sum);
            sums.merge("duplicate", point.at("/callbacks/duplicate").asLong(), Long::sum);
            sums.merge("refused", point.at("/callbacks/refused").asLong(), Long::sum);
            point.at("/callbacks/refusedByReason")
                    .properties()
                    .forEach(reason -> sums.merge(
                            "refused:" + reason.getKey(), reason.getValue().asLong(), Long::sum));
            point.get("notifications")
                    .properties()
                    .forEach(status ->
                            sums.merge(status.getKey(), status.getValue().asLong(), Long::sum));
        }
        return sums;
    }

    /** A callback as AXP sends it for a new session, signed with {@code secret} (none: no X-hmac). */
    private static int callback(String callbackUrl, String secret, String eventId) throws Exception {
        String sessionId = "omni-session-" + eventId;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(callbackUrl))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"eventId\":\"" + eventId + "\",\"sessionId\":\"" + sessionId + "\"}"));
        if (secret != null) {
            request.header(AxpSignature.HEADER, AxpSignature.sign(secret, eventId, sessionId));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private void signIn(PortalPlatform.Account account) {
        browser.open(platform.portal("/sign-in"));
        browser.type("#email", account.email());
        browser.type("#password", account.password());
        browser.press("Sign in");
        assertThat(browser.find("main h1").getText()).isIn("Get started", "You are all set");
    }
}
