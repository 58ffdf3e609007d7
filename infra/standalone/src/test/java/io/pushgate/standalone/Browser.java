package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium — Debian's {@code /usr/bin/chromium}, driven through Debian's {@code
 * /usr/bin/chromedriver}, so nothing is downloaded (Selenium Manager is never asked) — with a fresh
 * profile, and what the tests do with it: waits, full-page screenshots under {@code
 * target/screenshots/}, and axe-core's accessibility check.
 */
final class Browser implements AutoCloseable {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static Browser start() throws IOException {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        Path profile = Files.createTempDirectory("pushgate-chromium");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                "--user-data-dir=" + profile);
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return new Browser(driver, profile);
    }

    void open(String url) {
        driver.get(url);
        settled();
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The main heading's text. */
    String heading() {
        return find("main h1").getText();
    }

    void type(String css, String text) {
        WebElement field = find(css);
        field.clear();
        field.sendKeys(text);
    }

    /** Clicks the submit button with {@code text} and waits until the page has settled. */
    void press(String text) {
        WebElement button = driver.findElement(By.xpath("//button[normalize-space(.)=" + xpathLiteral(text)
                + "] | //a[normalize-space(.)=" + xpathLiteral(text) + "]"));
        String before = marker();
        button.click();
        waitFor(ignored -> !marker().equals(before));
        settled();
    }

    /** Clicks the submit button of the form that holds {@code fieldCss} and waits until the page has settled. */
    void submitFormOf(String fieldCss) {
        WebElement button = find(fieldCss).findElement(By.xpath("ancestor::form//button[@type='submit']"));
        String before = marker();
        button.click();
        waitFor(ignored -> !marker().equals(before));
        settled();
    }

    /** Waits (up to 30 s) for {@code condition}. */
    <T> T waitFor(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(condition::apply);
    }

    void waitForVisible(String css) {
        new WebDriverWait(driver, Duration.ofSeconds(60))
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Waits for the document and htmx to be idle. */
    void settled() {
        waitFor(
                ignored -> "complete".equals(driver.executeScript("return document.readyState"))
                        && Boolean.TRUE.equals(
                                driver.executeScript(
                                        "return !document.querySelector('.htmx-request') && !document.body.classList.contains('htmx-swapping')")));
    }

    /**
     * A value that changes whenever a new page is shown: a boosted page is swapped into the same
     * document, so the URL alone may not change (a refused form).
     */
    private String marker() {
        Object stamp = driver.executeScript(
                "if (!document.body.dataset.testStamp) { document.body.dataset.testStamp = Math.random().toString(); }"
                        + " var main = document.querySelector('main');"
                        + " if (main && !main.dataset.testStamp) { main.dataset.testStamp = Math.random().toString(); }"
                        + " return document.body.dataset.testStamp + '/' + (main ? main.dataset.testStamp : '');");
        return String.valueOf(stamp);
    }

    /** A full-page screenshot to {@code target/screenshots/<name>.png}, at the window's width. */
    Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        @SuppressWarnings("unchecked")
        Map<String, Object> shot = (Map<String, Object>) (Map<?, ?>) driver.executeCdpCommand(
                "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
        return file;
    }

    /** The same at a phone's width (390 px), then back to 1280 px. */
    Path phoneScreenshot(String name) throws IOException {
        Dimension wide = driver.manage().window().getSize();
        driver.manage().window().setSize(new Dimension(390, 844));
        try {
            settled();
            return screenshot(name);
        } finally {
            driver.manage().window().setSize(wide);
        }
    }

    /**
     * Runs {@code check} with the window {@code width} px wide (a phone: 390), then back at the width
     * it had; its answer.
     */
    <T> T atWidth(int width, java.util.function.Supplier<T> check) {
        Dimension before = driver.manage().window().getSize();
        if (before.getWidth() == width) {
            return check.get();
        }
        long innerBefore = innerWidth();
        driver.manage().window().setSize(new Dimension(width, before.getHeight()));
        try {
            waitFor(ignored -> innerWidth() != innerBefore);
            settled();
            return check.get();
        } finally {
            driver.manage().window().setSize(before);
            waitFor(ignored -> innerWidth() == innerBefore);
        }
    }

    private long innerWidth() {
        return ((Number) driver.executeScript("return window.innerWidth")).longValue();
    }

    /**
     * The lines each element {@code css} selects takes (its text's line boxes, read through ranges): 1
     * for one that did not wrap.
     */
    List<Long> lineCounts(String css) {
        @SuppressWarnings("unchecked")
        List<Long> counts = (List<Long>) driver.executeScript(
                LINES + "return Array.from(document.querySelectorAll(arguments[0]))"
                        + ".map(function (e) { return lines(e, true); });",
                css);
        return counts;
    }

    /**
     * Each text node inside the elements {@code css} selects, with the lines it takes: {@code "text
     * 1"} for one that is not broken.
     */
    List<String> textNodeLines(String css) {
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) driver.executeScript(
                LINES + "var out = [];"
                        + " document.querySelectorAll(arguments[0]).forEach(function (e) {"
                        + "   var walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);"
                        + "   while (walker.nextNode()) { var n = walker.currentNode;"
                        + "     if (n.textContent.trim()) { out.push(n.textContent + ' ' + lines(n, false)); } } });"
                        + " return out;",
                css);
        return lines;
    }

    /** The box of each element {@code css} selects, in CSS pixels: left, top, width, height. */
    List<Map<String, Double>> boxes(String css) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> boxes = (List<Map<String, Object>>) driver.executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(function (e) {"
                        + " var r = e.getBoundingClientRect();"
                        + " return {left: r.left, top: r.top, width: r.width, height: r.height}; });",
                css);
        return boxes.stream()
                .map(box -> box.entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> ((Number) e.getValue()).doubleValue())))
                .toList();
    }

    /** {@code lines(node, deep)}: how many lines the text of a node (every text node under it, if deep) takes. */
    private static final String LINES = "function lines(node, deep) {"
            + " var texts = [];"
            + " if (deep) { var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);"
            + "   while (walker.nextNode()) { texts.push(walker.currentNode); } } else { texts.push(node); }"
            + " var middles = [];"
            + " texts.forEach(function (text) { if (!text.textContent.trim()) { return; }"
            + "   var range = document.createRange(); range.selectNodeContents(text);"
            + "   Array.from(range.getClientRects()).forEach(function (r) {"
            + "     if (r.width > 0) { middles.push(r.top + r.height / 2); } }); });"
            + " middles.sort(function (a, b) { return a - b; });"
            + " var count = 0, last = -1e9;"
            + " middles.forEach(function (m) { if (m - last > 8) { count++; last = m; } });"
            + " return count; }";

    /** axe-core on the page: no serious or critical violation of WCAG 2.1 A/AA or best practice. */
    void assertAccessible(String page) {
        Results results = new AxeBuilder()
                .withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"))
                .analyze(driver);
        List<Rule> serious = results.getViolations().stream()
                .filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact()))
                .toList();
        assertThat(serious)
                .as(page + ": "
                        + serious.stream()
                                .map(rule -> rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + " at "
                                        + rule.getNodes().stream()
                                                .map(node -> String.valueOf(node.getTarget()))
                                                .collect(Collectors.joining(", ")))
                                .collect(Collectors.joining("; ")))
                .isEmpty();
    }

    private static String xpathLiteral(String text) {
        return text.contains("'") ? "\"" + text + "\"" : "'" + text + "'";
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }
}
