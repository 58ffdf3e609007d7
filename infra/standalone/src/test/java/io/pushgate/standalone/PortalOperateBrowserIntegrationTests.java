package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.eatthepath.pushy.apns.server.RejectionReason;
import io.pushgate.api.AxpSignature;
import io.pushgate.emulator.ApnsAuthKey;
import io.pushgate.emulator.ApnsEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

/**
 * The portal's operating pages in a real headless Chromium against the whole platform (the set-up of
 * {@link PortalBrowserIntegrationTests}), with an APNs emulator for a credential that APNs refuses:
 * the sandbox phone shows a push that came from a real signed callback, with the configuration's
 * template; the home page lists a refused credential and a configuration whose callbacks are refused,
 * each with its advice and link, and says when its health is unavailable; the delivery log shows a
 * new notification without a reload. Accessibility (axe-core) and screenshots of each.
 */
@ExtendWith(SoftAssertionsExtension.class)
class PortalOperateBrowserIntegrationTests {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private static final String TOPIC = "com.example.operate";
    private static final SecureRandom RANDOM = new SecureRandom();

    static ApnsEmulator apns;
    static PortalPlatform platform;
    Browser browser;

    /** What a test checks of a page's layout: each is reported at the test's end, the test going on meanwhile. */
    @InjectSoftAssertions
    SoftAssertions softly;

    @BeforeAll
    static void startPlatform() throws Exception {
        apns = ApnsEmulator.start();
        Path certificate = Files.createTempFile("apns-emulator", ".pem");
        Files.writeString(certificate, apns.serverCertificatePem());
        platform = PortalPlatform.start(Map.of(
                "delivery-service",
                List.of(
                        "--pushgate.providers.apns-server=https://localhost:" + apns.port(),
                        "--pushgate.providers.apns-trusted-certificate=" + certificate,
                        // a refused push is tried again within 2 s: the notification page's retry comes soon
                        "--pushgate.dispatch.max-backoff=2s")));
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
        if (apns != null) {
            apns.close();
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
    void theSandboxPhoneShowsAPushOfARealSignedCallbackWithTheTemplatesTitleAndBody() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        String token = platform.login(account);
        String axpId = "axp-" + UUID.randomUUID();
        String created = PortalPlatform.send(
                "POST",
                platform.tenantService("/v1/configurations"),
                token,
                "{\"name\":\"Phone app\",\"axpConfigurationId\":\"" + axpId + "\"}",
                201);
        String configurationId = PortalPlatform.field(created, "id");
        String sandbox = sandboxCredential(token);
        PortalPlatform.send(
                "PATCH",
                platform.tenantService("/v1/configurations/" + configurationId),
                token,
                "{\"defaultCredentials\":{\"android\":\"" + sandbox + "\",\"ios\":\"" + sandbox + "\"},"
                        + "\"notificationTemplate\":{\"title\":\"Your agent wrote back\","
                        + "\"body\":\"Open the app to continue the chat\"}}",
                200);
        signIn(account);

        browser.open(platform.portal("/sandbox-phone"));
        assertThat(browser.heading()).isEqualTo("Sandbox phone");
        browser.assertAccessible("sandbox phone: start");
        String sessionId = "omni-session-" + UUID.randomUUID();
        new Select(browser.find("#phone-configuration")).selectByVisibleText("Phone app");
        browser.type("#phone-session", sessionId);
        browser.press("Start the sandbox phone");
        assertThat(browser.heading()).isEqualTo("Sandbox phone");
        assertThat(browser.find("#phone-session").getText()).isEqualTo(sessionId);
        assertThat(browser.find("#phone-pushes").getText()).contains("No push yet.");
        browser.driver.executeScript("window.pushgateNotReloaded = true;");
        browser.screenshot("30-sandbox-phone-waiting");
        browser.assertAccessible("sandbox phone, waiting");

        // AXP's callback for the session, signed with the configuration's secret: the phone shows it by itself
        String eventId = UUID.randomUUID().toString();
        assertThat(callback(
                        PortalPlatform.field(created, "callbackUrl"),
                        PortalPlatform.field(created, "secret"),
                        eventId,
                        sessionId))
                .isEqualTo(202);
        browser.waitFor(driver -> !browser.all("#phone-pushes .push").isEmpty());
        assertThat(browser.driver.executeScript("return window.pushgateNotReloaded === true"))
                .as("the push came without a reload")
                .isEqualTo(true);
        WebElement push = browser.find("#phone-pushes .push");
        assertThat(push.findElement(org.openqa.selenium.By.cssSelector(".push-title"))
                        .getText())
                .isEqualTo("Your agent wrote back");
        assertThat(push.findElement(org.openqa.selenium.By.cssSelector(".push-body"))
                        .getText())
                .isEqualTo("Open the app to continue the chat");
        push.findElement(org.openqa.selenium.By.cssSelector("summary")).click();
        assertThat(push.findElement(org.openqa.selenium.By.cssSelector(".push-data"))
                        .getText())
                .contains("eventId")
                .contains(eventId)
                .contains(sessionId);
        assertThat(browser.driver.getPageSource())
                .as("the device token is shown shortened only")
                .containsPattern("device token <code>[^<]{6}…\\(\\d+ characters\\)</code>");
        // each id on one line at 1280 px; on a phone it breaks only between its parts (after - _ : . / @)
        softly.assertThat(browser.lineCounts("#phone-pushes .push-data dd"))
                .as("each id on one line, 1280 px wide")
                .isNotEmpty()
                .containsOnly(1L);
        softly.assertThat(browser.atWidth(390, () -> browser.textNodeLines("#phone-pushes .push-data dd")))
                .as("each part of each id on one line, 390 px wide")
                .isNotEmpty()
                .allSatisfy(part -> assertThat(part).endsWith(" 1"));
        browser.screenshot("31-sandbox-phone-push");
        browser.phoneScreenshot("31-sandbox-phone-push-phone");
        browser.assertAccessible("sandbox phone with a push");
    }

    @Test
    void theSandboxPhoneIsRefusedForAConfigurationThatDoesNotSendThroughTheSandbox() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        String token = platform.login(account);
        PortalPlatform.send(
                "POST",
                platform.tenantService("/v1/configurations"),
                token,
                "{\"name\":\"No credential\",\"axpConfigurationId\":\"axp-" + UUID.randomUUID() + "\"}",
                201);
        signIn(account);
        browser.open(platform.portal("/sandbox-phone"));
        browser.press("Start the sandbox phone");
        assertThat(browser.find(".error-summary").getText())
                .contains("no credential that sends to the sandbox")
                .contains("Make the sandbox credential");
        assertThat(browser.find("#phone-configuration").getAttribute("aria-invalid"))
                .isEqualTo("true");
        browser.screenshot("29-sandbox-phone-refused");
        browser.assertAccessible("sandbox phone refused");
    }

    @Test
    void theHomePageListsARefusedCredentialAndARefusedConfigurationWithWhatToDo() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        String token = platform.login(account);
        signIn(account);
        browser.open(platform.portal("/"));
        assertThat(browser.find("#attention-none").getText()).isEqualTo("Nothing needs attention.");

        String axpId = "axp-" + UUID.randomUUID();
        String created = PortalPlatform.send(
                "POST",
                platform.tenantService("/v1/configurations"),
                token,
                "{\"name\":\"iOS app\",\"axpConfigurationId\":\"" + axpId + "\"}",
                201);
        String configurationId = PortalPlatform.field(created, "id");
        // an APNs token key that APNs stops trusting: its sends are refused with InvalidProviderToken
        ApnsAuthKey key = apns.mintAuthKey(String.format("TEAM%06d", RANDOM.nextInt(1_000_000)), TOPIC);
        String credential = PortalPlatform.field(
                PortalPlatform.send(
                        "POST",
                        platform.tenantService("/v1/credentials"),
                        token,
                        "{\"type\":\"apns\",\"name\":\"Revoked key\",\"p8Key\":\""
                                + key.privateKeyPem().replace("\n", "\\n") + "\",\"keyId\":\"" + key.keyId()
                                + "\",\"teamId\":\"" + key.teamId() + "\",\"topic\":\"" + TOPIC
                                + "\",\"environment\":\"sandbox\"}",
                        201),
                "id");
        PortalPlatform.send(
                "PATCH",
                platform.tenantService("/v1/configurations/" + configurationId),
                token,
                "{\"defaultCredentials\":{\"ios\":\"" + credential + "\"}}",
                200);
        apns.revokeKey(key.keyId());
        String device = HexFormat.of().formatHex(randomBytes(32));
        apns.registerDevice(TOPIC, device);
        String sessionId = "omni-session-" + UUID.randomUUID();
        PortalPlatform.send(
                "PUT",
                "http://localhost:" + platform.deliveryPort + "/v1/device-registrations/" + device,
                token,
                "{\"configId\":\"" + axpId + "\",\"sessionId\":\"" + sessionId
                        + "\",\"platform\":\"ios\",\"provider\":\"apns\"}",
                200);
        String callbackUrl = PortalPlatform.field(created, "callbackUrl");
        assertThat(callback(
                        callbackUrl,
                        PortalPlatform.field(created, "secret"),
                        UUID.randomUUID().toString(),
                        sessionId))
                .isEqualTo(202);
        // and AXP signs with a secret that is not this configuration's
        assertThat(callback(
                        callbackUrl, "a secret pasted wrong", UUID.randomUUID().toString(), sessionId))
                .isEqualTo(401);

        openUntilShown("/", "#attention li[data-kind='credential-failing']");
        openUntilShown("/", "#attention li[data-kind='callbacks-refused']");
        WebElement refusedCredential = browser.find("#attention li[data-kind='credential-failing']");
        assertThat(refusedCredential.getText())
                .contains("Revoked key")
                .contains("InvalidProviderToken")
                .contains("APNs refused the token key");
        assertThat(refusedCredential
                        .findElement(org.openqa.selenium.By.tagName("a"))
                        .getAttribute("href"))
                .endsWith("/credentials");
        WebElement refusedConfiguration = browser.find("#attention li[data-kind='callbacks-refused']");
        assertThat(refusedConfiguration.getText())
                .contains("iOS app")
                .contains("signature-mismatch")
                .contains("rotate it here and paste the new one");
        assertThat(refusedConfiguration
                        .findElement(org.openqa.selenium.By.tagName("a"))
                        .getAttribute("href"))
                .endsWith("/configurations/" + configurationId);
        assertThat(browser.all("#attention-none")).isEmpty();
        browser.screenshot("32-home-attention");
        browser.assertAccessible("home page with what needs attention");
    }

    @Test
    void theHomePageStillRendersAndSaysHealthIsUnavailableWhenDeliveryServiceIsDown() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        signIn(account);
        var delivery = ((WebServerApplicationContext) platform.platform.context("delivery-service")).getWebServer();
        delivery.stop();
        try {
            browser.open(platform.portal("/"));
            assertThat(browser.heading()).isEqualTo("Get started");
            assertThat(browser.find("#attention-unavailable").getText())
                    .contains("Health is unavailable")
                    .contains("delivery-service does not answer");
            assertThat(browser.all("#attention-none")).isEmpty();
            browser.screenshot("33-home-health-unavailable");
            browser.assertAccessible("home page without delivery-service");
        } finally {
            delivery.start();
        }
        browser.open(platform.portal("/"));
        assertThat(browser.find("#attention-none").getText()).isEqualTo("Nothing needs attention.");
    }

    @Test
    void theDeliveryLogShowsANewNotificationWithoutAReloadThroughServerSentEvents() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        String token = platform.login(account);
        String created = PortalPlatform.send(
                "POST",
                platform.tenantService("/v1/configurations"),
                token,
                "{\"name\":\"Live app\",\"axpConfigurationId\":\"axp-" + UUID.randomUUID() + "\"}",
                201);
        signIn(account);
        browser.open(platform.portal("/deliveries"));
        assertThat(browser.heading()).isEqualTo("Delivery log");
        assertThat(browser.find(".delivery-live").getAttribute("sse-connect")).startsWith("/deliveries/events");
        browser.driver.executeScript("window.pushgateNotReloaded = true;");

        String sessionId = "omni-session-" + UUID.randomUUID();
        assertThat(callback(
                        PortalPlatform.field(created, "callbackUrl"),
                        PortalPlatform.field(created, "secret"),
                        UUID.randomUUID().toString(),
                        sessionId))
                .isEqualTo(202);
        browser.waitFor(driver ->
                !browser.all("#deliveries tr[data-status='no_device']").isEmpty());
        assertThat(browser.driver.executeScript("return window.pushgateNotReloaded === true"))
                .as("the row came without a reload")
                .isEqualTo(true);
        assertThat(browser.find("#deliveries tr[data-status='no_device']").getText())
                .contains(sessionId);
        browser.screenshot("34-delivery-log-live");
        browser.assertAccessible("delivery log, live");
    }

    @Test
    void aNotificationsPageShowsItsRetryAndThenItsDeliveryWithoutAReloadThroughServerSentEvents() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        String token = platform.login(account);
        String axpId = "axp-" + UUID.randomUUID();
        String created = PortalPlatform.send(
                "POST",
                platform.tenantService("/v1/configurations"),
                token,
                "{\"name\":\"Retried app\",\"axpConfigurationId\":\"" + axpId + "\"}",
                201);
        String configurationId = PortalPlatform.field(created, "id");
        String credential = apnsCredential(token, "Busy APNs");
        PortalPlatform.send(
                "PATCH",
                platform.tenantService("/v1/configurations/" + configurationId),
                token,
                "{\"defaultCredentials\":{\"ios\":\"" + credential + "\"}}",
                200);
        // APNs answers ServiceUnavailable, retry after 20 s, to every push to this device until the test clears it
        String device = HexFormat.of().formatHex(randomBytes(32));
        apns.registerDevice(TOPIC, device);
        apns.injectRejection(device, RejectionReason.SERVICE_UNAVAILABLE, 0, Duration.ofSeconds(20));
        String sessionId = "omni-session-" + UUID.randomUUID();
        PortalPlatform.send(
                "PUT",
                "http://localhost:" + platform.deliveryPort + "/v1/device-registrations/" + device,
                token,
                "{\"configId\":\"" + axpId + "\",\"sessionId\":\"" + sessionId
                        + "\",\"platform\":\"ios\",\"provider\":\"apns\"}",
                200);
        assertThat(callback(
                        PortalPlatform.field(created, "callbackUrl"),
                        PortalPlatform.field(created, "secret"),
                        UUID.randomUUID().toString(),
                        sessionId))
                .isEqualTo(202);
        signIn(account);
        openUntilShown("/deliveries", "#deliveries tr[data-status='retrying']");
        browser.open(platform.portal(attribute("#deliveries tr[data-status='retrying'] a", "href")));
        assertThat(browser.heading()).isEqualTo("Notification");
        String notificationId = browser.driver.getCurrentUrl().replaceFirst(".*/deliveries/", "");
        assertThat(attribute("#delivery-live", "sse-connect")).isEqualTo("/deliveries/" + notificationId + "/events");
        assertThat(attribute("#delivery-details", "hx-trigger"))
                .as("told by the stream, not polled every few seconds")
                .startsWith("sse:changed");
        // the details may be swapped at any moment (that is the point): read in one script each
        assertThat(text("#delivery-status")).isEqualTo("Retrying");
        browser.driver.executeScript("window.pushgateNotReloaded = true;");
        browser.waitFor(driver -> !browser.all("#attempts tr").isEmpty());
        browser.screenshot("35-notification-retrying");
        browser.assertAccessible("a notification under way");

        // APNs takes pushes again: the page shows the delivery by itself
        apns.clearDevice(device);
        // within 45 s: sooner than the page's 60 s safety net, so that only the stream can have told it
        new org.openqa.selenium.support.ui.WebDriverWait(browser.driver, Duration.ofSeconds(45))
                .until(driver -> "Delivered".equals(text("#delivery-status")));
        browser.settled();
        assertThat(browser.driver.executeScript("return window.pushgateNotReloaded === true"))
                .as("the delivery came without a reload")
                .isEqualTo(true);
        assertThat(text("#attempts tr[data-outcome='delivered']")).contains("Delivered to the provider");
        assertThat(text("#attempts")).contains("ServiceUnavailable");
        // a time and a latency are never broken over lines, at 1280 px nor at 800 px
        for (int width : new int[] {1280, 800}) {
            softly.assertThat(browser.atWidth(width, () -> browser.lineCounts("#attempts tbody td:nth-child(1)")))
                    .as("each attempt's time on one line, " + width + " px wide")
                    .isNotEmpty()
                    .containsOnly(1L);
            softly.assertThat(browser.atWidth(width, () -> browser.lineCounts("#attempts tbody td:nth-child(5)")))
                    .as("each attempt's latency on one line, " + width + " px wide")
                    .isNotEmpty()
                    .containsOnly(1L);
        }
        assertThat(attribute("#delivery-details", "hx-trigger"))
                .as("a finished notification is no longer live")
                .isNull();
        browser.screenshot("36-notification-delivered-live");
        browser.assertAccessible("a notification delivered while open");
    }

    @Test
    void theTestStepsPrimaryActionIsTheSandboxWhileATestPushCouldNotReachIt() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        String token = platform.login(account);
        String created = PortalPlatform.send(
                "POST",
                platform.tenantService("/v1/configurations"),
                token,
                "{\"name\":\"iOS only\",\"axpConfigurationId\":\"axp-" + UUID.randomUUID() + "\"}",
                201);
        String configurationId = PortalPlatform.field(created, "id");
        // an APNs key as its only credential: a test push (Android, to the sandbox phone) has no way there
        String credential = apnsCredential(token, "APNs key");
        PortalPlatform.send(
                "PATCH",
                platform.tenantService("/v1/configurations/" + configurationId),
                token,
                "{\"defaultCredentials\":{\"ios\":\"" + credential + "\"},\"openRegistration\":true}",
                200);
        signIn(account);
        browser.open(platform.portal("/"));
        assertThat(browser.find("#step-5").getAttribute("class")).contains("current");
        assertThat(texts("#step-5 button.primary"))
                .as("one primary action in the test step: the sandbox, without which the test push has no way")
                .containsExactly("Use the sandbox for this configuration");
        assertThat(texts("#step-5 button"))
                .containsExactly("Use the sandbox for this configuration", "Send a test event");
        softly.assertThat(browser.find("#step-5 .warning").getText())
                .as("the test step says why the test push has no way: the one credential reaches iOS only")
                .contains("APNs key")
                .contains("iOS devices only")
                .doesNotContain("no credential is chosen");
        browser.screenshot("37-home-test-step-needs-sandbox");
        browser.assertAccessible("home page, the test step before the sandbox");
        browser.press("Send a test event");
        assertThat(browser.heading()).isEqualTo("The test event was not sent");
        // the true reason: its one credential, an APNs key, sends to iOS only (not "several, none chosen")
        softly.assertThat(browser.find("main .warning").getText())
                .as("why the test event was not sent")
                .doesNotContainIgnoringCase("several")
                .contains("APNs key")
                .contains("iOS");
        softly.assertThat(browser.find("main").getText())
                .as("what to do")
                .contains("make the sandbox this configuration's Android credential");
        softly.assertThat(texts("header nav a[aria-current='page']"))
                .as("the test event's section in the navigation: Get started, where the test step is")
                .containsExactly("Get started");
        browser.screenshot("39-test-event-not-sent");
        browser.assertAccessible("test event not sent");

        // the page's fix: the sandbox for Android only; iOS pushes keep their APNs key
        browser.press("Use the sandbox for Android");
        assertThat(texts("#step-5 button.primary")).containsExactly("Send a test event");
        assertThat(texts("#step-5 button")).containsExactly("Send a test event");
        String defaults = PortalPlatform.send(
                "GET", platform.tenantService("/v1/configurations/" + configurationId), token, null, 200);
        assertThat(defaults)
                .contains("\"ios\":\"" + credential + "\"")
                .doesNotContain("\"android\":\"" + credential + "\"");
    }

    @Test
    void aDeliveryLogFilterThatIsNotAConfigurationOrNotAStatusIsAnErrorNextToItsField() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        signIn(account);
        browser.open(platform.portal("/deliveries?configurationId=not-an-id"));
        assertThat(browser.heading()).isEqualTo("Delivery log");
        assertThat(browser.find("#filter-configuration-error").getText())
                .contains("\u201cnot-an-id\u201d is not one of your configurations");
        // said once, next to its field: not again in a summary below the form
        assertThat(browser.all(".error-summary")).isEmpty();
        assertThat(browser.find("#filter-configuration").getAttribute("aria-invalid"))
                .isEqualTo("true");
        assertThat(new Select(browser.find("#filter-configuration"))
                        .getFirstSelectedOption()
                        .getText())
                .as("the filter does not pretend to show all configurations")
                .isEqualTo("Not one of yours: not-an-id");
        assertThat(browser.all("#deliveries")).isEmpty();
        assertFiltersInLine("the delivery log's filters with an error");
        browser.screenshot("38-delivery-log-bad-configuration");
        browser.assertAccessible("delivery log with a configuration that is not an id");
        browser.open(platform.portal("/deliveries?status=lost"));
        assertThat(browser.find("#filter-status-error").getText()).contains("must be one of");
        assertThat(new Select(browser.find("#filter-status"))
                        .getFirstSelectedOption()
                        .getText())
                .as("the filter does not pretend to show any status")
                .isEqualTo("Not a status: lost");
        browser.assertAccessible("delivery log with a status that is not one");
        browser.open(platform.portal("/deliveries/" + UUID.randomUUID()));
        assertThat(browser.heading()).isEqualTo("Not found");
        // in the signed-in member's layout: the navigation (its section current) and the member
        softly.assertThat(texts("header nav a[aria-current='page']"))
                .as("the error page's navigation")
                .containsExactly("Delivery log");
        softly.assertThat(String.join(" ", texts("header .who")))
                .as("the error page's signed-in member")
                .contains(account.email());
        browser.screenshot("40-notification-not-found");
        browser.assertAccessible("a notification that is not found");
    }

    /**
     * The filter form's labels on one line and its fields' controls on one line, although one field has
     * an error under its label.
     */
    private void assertFiltersInLine(String page) {
        softly.assertThat(tops("form.filters .field > label"))
                .as(page + ": the labels' tops")
                .hasSize(1);
        softly.assertThat(tops("form.filters .field > select, form.filters .field > input"))
                .as(page + ": the controls' tops")
                .hasSize(1);
    }

    /** The distinct tops (rounded to whole pixels) of the elements {@code css} selects. */
    private java.util.Set<Long> tops(String css) {
        return browser.boxes(css).stream()
                .map(box -> Math.round(box.get("top")))
                .collect(java.util.stream.Collectors.toSet());
    }

    /** Opens {@code path} again until {@code selector} is on it (delivery-service writes some things every second). */
    private void openUntilShown(String path, String selector) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            browser.open(platform.portal(path));
            if (!browser.all(selector).isEmpty()) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("waited 30 s for " + selector + " on " + path)
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** The text of the first element {@code css} selects, read in one script (an element swapped meanwhile: no matter). */
    private String text(String css) {
        return String.valueOf(browser.driver.executeScript(
                "var e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;", css));
    }

    /**
     * An attribute of the first element {@code css} selects, read in one script: a live page may swap the element
     * between a find and a read, which a {@code WebElement} answers with a stale reference.
     */
    private String attribute(String css, String name) {
        return (String) browser.driver.executeScript(
                "var e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                css,
                name);
    }

    private List<String> texts(String css) {
        return browser.all(css).stream().map(WebElement::getText).toList();
    }

    /** An APNs token key that the emulator trusts, as a credential named {@code name}: its id. */
    private static String apnsCredential(String token, String name) throws Exception {
        ApnsAuthKey key = apns.mintAuthKey(String.format("TEAM%06d", RANDOM.nextInt(1_000_000)), TOPIC);
        return PortalPlatform.field(
                PortalPlatform.send(
                        "POST",
                        platform.tenantService("/v1/credentials"),
                        token,
                        "{\"type\":\"apns\",\"name\":\"" + name + "\",\"p8Key\":\""
                                + key.privateKeyPem().replace("\n", "\\n") + "\",\"keyId\":\"" + key.keyId()
                                + "\",\"teamId\":\"" + key.teamId() + "\",\"topic\":\"" + TOPIC
                                + "\",\"environment\":\"sandbox\"}",
                        201),
                "id");
    }

    private String sandboxCredential(String token) throws Exception {
        return PortalPlatform.field(
                PortalPlatform.send(
                        "POST",
                        platform.tenantService("/v1/credentials"),
                        token,
                        "{\"type\":\"sandbox\",\"name\":\"Sandbox\"}",
                        201),
                "id");
    }

    /** A callback as AXP sends it, signed with {@code secret}; answers the status. */
    private static int callback(String callbackUrl, String secret, String eventId, String sessionId) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(callbackUrl))
                                .header("Content-Type", "application/json")
                                .header(AxpSignature.HEADER, AxpSignature.sign(secret, eventId, sessionId))
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"eventId\":\"" + eventId + "\",\"sessionId\":\"" + sessionId + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private void signIn(PortalPlatform.Account account) {
        browser.open(platform.portal("/sign-in"));
        browser.type("#email", account.email());
        browser.type("#password", account.password());
        browser.press("Sign in");
        assertThat(browser.find("main h1").getText()).isIn("Get started", "You are all set");
    }
}
