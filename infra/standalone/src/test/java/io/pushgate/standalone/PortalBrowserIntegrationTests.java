package io.pushgate.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.AxpSignature;
import io.pushgate.emulator.ApnsCertificate;
import io.pushgate.emulator.ApnsCertificateAuthority;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;

/**
 * The portal as a person meets it, in a real headless Chromium against the whole platform: a new
 * tenant from sign-up to a delivered sandbox test push following only what the screens say; CSRF;
 * what a viewer can do; signing out; the security headers; accessibility (axe-core) and screenshots
 * of every main page ({@code target/screenshots/}).
 */
@ExtendWith(SoftAssertionsExtension.class)
class PortalBrowserIntegrationTests {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private static final String SESSION_COOKIE = "__Host-pushgate-session";

    static PortalPlatform platform;
    Browser browser;

    /** What a test checks of a page's layout: each is reported at the test's end, the test going on meanwhile. */
    @InjectSoftAssertions
    SoftAssertions softly;

    /** A rotated-out secret works this long here (24 h by default): the refused-callback test waits it out. */
    private static final Duration GRACE_PERIOD = Duration.ofSeconds(8);

    @BeforeAll
    static void startPlatform() throws Exception {
        platform = PortalPlatform.start(Map.of(
                "tenant-service",
                List.of("--pushgate.configurations.secret-grace-period=" + GRACE_PERIOD.toSeconds() + "s")));
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
    void aNewTenantGoesFromSignUpToADeliveredSandboxTestPushFollowingOnlyTheScreens() throws Exception {
        browser.open(platform.portal("/"));
        assertThat(browser.heading()).isEqualTo("Sign in to Pushgate");
        browser.screenshot("01-sign-in");
        browser.assertAccessible("sign-in");

        browser.press("Create an account");
        assertThat(browser.heading()).isEqualTo("Create your Pushgate account");
        browser.assertAccessible("sign-up");
        String email = "admin-" + UUID.randomUUID() + "@example.test";
        browser.type("#tenantName", "Example Contact Center");
        browser.type("#email", email);
        browser.type("#password", "too short");
        browser.press("Create account");
        assertThat(browser.find("#password-error").getText()).contains("at least 12 characters");
        assertThat(browser.find("#password").getAttribute("aria-invalid")).isEqualTo("true");
        browser.screenshot("02-sign-up-refused");
        browser.assertAccessible("sign-up with an error");

        browser.type("#password", "a long and good password");
        browser.press("Create account");
        assertThat(browser.heading()).isEqualTo("Get started");
        assertThat(browser.find("#step-1").getAttribute("class")).contains("current");
        browser.screenshot("03-get-started");
        browser.phoneScreenshot("03-get-started-phone");
        browser.assertAccessible("get started");

        // 1. a configuration: its callback URL and secret, once, beside AXP's steps
        browser.type("#config-name", "Customer app");
        browser.press("Create configuration");
        assertThat(browser.heading()).isEqualTo("Put Customer app into AXP");
        String secret = browser.find("#value-secret").getText();
        String callbackUrl = browser.find("#value-url").getText();
        String secretPage = browser.driver.getCurrentUrl();
        assertThat(secret).matches("[A-Za-z0-9_-]{43}");
        assertThat(callbackUrl).startsWith("http://localhost:" + platform.deliveryPort + "/axp/callbacks/");
        assertThat(browser.find("main").getText())
                .contains("Contact Center > Push Notifications")
                .contains("Add New Configuration");
        assertThat(cacheControl(secretPage))
                .as("one-time secrets are never stored")
                .contains("no-store");
        browser.screenshot("04-configuration-secret");
        browser.assertAccessible("configuration secret");
        browser.press("I saved it in AXP: next step");

        // 2. the Configuration Id AXP shows: one that another tenant uses is refused next to the field
        assertThat(browser.find("#step-1").getAttribute("class")).contains("done");
        String taken = "axp-taken-" + UUID.randomUUID();
        PortalPlatform.send(
                "POST",
                platform.tenantService("/v1/configurations"),
                platform.login(platform.signUp()),
                "{\"name\":\"Other\",\"axpConfigurationId\":\"" + taken + "\"}",
                201);
        browser.type("#axpConfigurationId", taken);
        browser.press("Save Configuration Id");
        assertThat(browser.find("#axpConfigurationId-error").getText()).contains("already used");
        browser.screenshot("05-configuration-id-taken");
        String axpId = "axp-" + UUID.randomUUID();
        browser.type("#axpConfigurationId", axpId);
        browser.press("Save Configuration Id");
        assertThat(browser.find("#step-2").getAttribute("class")).contains("done");

        // 3. the sandbox
        browser.press("Use the sandbox");
        assertThat(browser.find("#step-3").getAttribute("class")).contains("done");

        // 4. an app client: its secret once, with the calls to make
        browser.type("#appName", "Android app");
        browser.press("Create app client");
        assertThat(browser.heading()).startsWith("App client pgc_");
        assertThat(browser.find("#client-secret").getText()).matches("[A-Za-z0-9_-]{43}");
        assertThat(browser.find("#curl-token").getText())
                .contains("grant_type=client_credentials")
                .contains("/oauth2/token");
        assertThat(browser.find("#curl-native").getText()).contains(axpId).contains("/v1/device-registrations/");
        assertThat(browser.find("#curl-avaya").getText())
                .contains("/custom-notification-connector/device-registrations/");
        browser.screenshot("06-app-client-created");
        browser.assertAccessible("app client created");
        browser.press("Next step");
        assertThat(browser.find("#step-4").getAttribute("class")).contains("done");
        assertThat(browser.find("#step-5").getAttribute("class")).contains("current");
        browser.screenshot("07-ready-to-test");

        // 5. a test event, watched live until the sandbox phone has it
        browser.press("Send a test event");
        assertThat(browser.heading()).isEqualTo("Test event");
        browser.waitForVisible("[data-result='delivered']");
        String payload = browser.find("[data-payload]").getText();
        assertThat(payload).contains("\"eventId\" : \"pushgate-test-").contains("\"sessionId\" : \"pushgate-test-");
        assertThat(payload)
                .as("the device token is shortened")
                .containsPattern("\"token\" : \"[^\"]{6}…\\(\\d+ characters\\)\"");
        assertThat(browser.all(".stage.state-done")).hasSize(4);
        browser.screenshot("08-test-event-delivered");
        browser.assertAccessible("test event");
        browser.press("Back to Get started");
        assertThat(browser.find("#step-5").getAttribute("class")).contains("done");
        assertThat(browser.find("#step-6 .state").getText()).isEqualTo("Waiting");

        // 6. AXP itself calls: the step turns green by itself
        String eventId = UUID.randomUUID().toString();
        String sessionId = "omni-session-" + UUID.randomUUID();
        HttpResponse<String> callback = HTTP.send(
                HttpRequest.newBuilder(URI.create(callbackUrl))
                        .header("Content-Type", "application/json")
                        .header(AxpSignature.HEADER, AxpSignature.sign(secret, eventId, sessionId))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"eventId\":\"" + eventId + "\",\"sessionId\":\"" + sessionId + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(callback.statusCode()).as(callback.body()).isEqualTo(202);
        browser.waitForVisible("#axp-status .ok-text");
        browser.open(platform.portal("/"));
        assertThat(browser.heading()).isEqualTo("You are all set");
        browser.screenshot("09-all-set");
        browser.assertAccessible("all set");

        // the secret is shown nowhere again: not on its page, not through the history
        browser.open(secretPage);
        assertThat(browser.driver.getPageSource()).doesNotContain(secret).contains("shown once");
        browser.driver.navigate().back();
        browser.settled();
        assertThat(browser.driver.getPageSource()).doesNotContain(secret);

        // every other main page, as this owner sees it
        visit("/configurations", "10-configurations");
        browser.find("main table a").click();
        browser.settled();
        assertThat(browser.heading()).startsWith("Customer app");
        browser.screenshot("11-configuration");
        browser.assertAccessible("configuration");
        visit("/credentials", "12-credentials");
        visit("/app-access", "13-app-access");
        visit("/members", "14-members");
        visit("/audit", "15-audit-log");
        assertThat(browser.find("main table").getText())
                .contains("configuration.test-event")
                .contains("configuration.create");
        visit("/status", "16-status");
        assertThat(browser.find("#summary").getText()).isEqualTo("All services are ready.");
    }

    @Test
    void theConfigurationPageSaysWhyAxpIsRefusedAndWhichSecretItUses() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        String token = platform.login(account);
        String created = PortalPlatform.send(
                "POST", platform.tenantService("/v1/configurations"), token, "{\"name\":\"Rotated app\"}", 201);
        String id = PortalPlatform.field(created, "id");
        String callbackUrl = PortalPlatform.field(created, "callbackUrl");
        String previous = PortalPlatform.field(created, "secret");
        // rotated before AXP ever called: delivery-service reads the rotated configuration on the first callback
        String rotated = PortalPlatform.send(
                "POST", platform.tenantService("/v1/configurations/" + id + "/secret:rotate"), token, null, 200);
        String current = PortalPlatform.field(rotated, "secret");
        java.time.Instant previousEnds =
                java.time.Instant.parse(PortalPlatform.field(rotated, "previousSecretValidUntil"));

        assertThat(callback(callbackUrl, previous))
                .as("the previous secret in its grace window")
                .isEqualTo(202);
        assertThat(callback(callbackUrl, current)).isEqualTo(202);
        assertThat(callback(callbackUrl, "not this configuration's secret")).isEqualTo(401);
        Thread.sleep(Math.max(
                        0,
                        Duration.between(java.time.Instant.now(), previousEnds).toMillis())
                + 500);
        assertThat(callback(callbackUrl, previous))
                .as("the previous secret after its grace window")
                .isEqualTo(401);

        String other = PortalPlatform.send(
                "POST", platform.tenantService("/v1/configurations"), token, "{\"name\":\"Disabled app\"}", 201);
        String disabledId = PortalPlatform.field(other, "id");
        PortalPlatform.send(
                "PATCH", platform.tenantService("/v1/configurations/" + disabledId), token, "{\"enabled\":false}", 200);
        assertThat(callback(PortalPlatform.field(other, "callbackUrl"), PortalPlatform.field(other, "secret")))
                .isEqualTo(404);

        signIn(account);
        // delivery-service writes what it gathered every second: the page shows it once written
        openUntilShown("/configurations/" + id, "#refused-callbacks tr[data-reason='signature-expired-secret']");
        WebElement mismatch = browser.find("#refused-callbacks tr[data-reason='signature-mismatch']");
        assertThat(mismatch.getText())
                .contains("Wrong secret")
                .contains("rotate it here and paste the new one")
                .contains("127.0.0.1");
        assertThat(browser.find("#refused-callbacks tr[data-reason='signature-expired-secret']")
                        .getText())
                .contains("Old secret")
                .contains("previous secret");
        assertThat(browser.all("#refused-callbacks tbody tr")).hasSize(2);
        assertThat(browser.find("#usage-current").getText()).isEqualTo("1");
        assertThat(browser.find("#usage-previous").getText()).isEqualTo("1");
        // its grace window has ended: no "stop it now" for a secret that already stopped, but what to do in AXP
        assertThat(browser.find("#expire-advice").getText())
                .as("the previous secret's window has ended")
                .startsWith("The previous secret no longer works")
                .contains("Paste the current secret into AXP");
        assertThat(browser.all("form[action$='/secret/expire-previous']")).isEmpty();
        assertThat(browser.driver.getPageSource()).doesNotContain(current).doesNotContain(previous);
        browser.screenshot("24-configuration-refused-callbacks");
        browser.assertAccessible("configuration with refused callbacks");

        openUntilShown("/configurations/" + disabledId, "#refused-callbacks tr[data-reason='configuration-disabled']");
        assertThat(browser.find("#refused-callbacks tr[data-reason='configuration-disabled']")
                        .getText())
                .contains("Configuration disabled")
                .contains("enable it here");
        assertThat(browser.find("#expire-advice").getText()).contains("no previous secret");
        browser.assertAccessible("disabled configuration with a refused callback");
    }

    @Test
    void theDeliveryLogShowsANotificationWithoutDeviceLiveItsResendDeliveredAndAViewerNoResend() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        String token = platform.login(account);
        String axpId = "axp-" + UUID.randomUUID();
        String created = PortalPlatform.send(
                "POST",
                platform.tenantService("/v1/configurations"),
                token,
                "{\"name\":\"Logged app\",\"axpConfigurationId\":\"" + axpId + "\"}",
                201);
        String configurationId = PortalPlatform.field(created, "id");
        String sandbox = PortalPlatform.field(
                PortalPlatform.send(
                        "POST",
                        platform.tenantService("/v1/credentials"),
                        token,
                        "{\"type\":\"sandbox\",\"name\":\"Sandbox\"}",
                        201),
                "id");
        PortalPlatform.send(
                "PATCH",
                platform.tenantService("/v1/configurations/" + configurationId),
                token,
                "{\"defaultCredentials\":{\"android\":\"" + sandbox + "\",\"ios\":\"" + sandbox + "\"}}",
                200);
        signIn(account);
        browser.open(platform.portal("/deliveries"));
        assertThat(browser.heading()).isEqualTo("Delivery log");
        browser.driver.executeScript("window.pushgateNotReloaded = true;");

        // AXP calls back for a session whose app registered no device: the open log shows it by itself
        String sessionId = "omni-session-" + UUID.randomUUID();
        assertThat(callback(
                        PortalPlatform.field(created, "callbackUrl"),
                        PortalPlatform.field(created, "secret"),
                        sessionId))
                .isEqualTo(202);
        browser.waitFor(driver ->
                !browser.all("#deliveries tr[data-status='no_device']").isEmpty());
        assertThat(browser.driver.executeScript("return window.pushgateNotReloaded === true"))
                .as("the row came without a reload")
                .isEqualTo(true);
        WebElement row = browser.find("#deliveries tr[data-status='no_device']");
        assertThat(row.getText()).contains("No device").contains(sessionId).contains("Logged app");
        browser.screenshot("25-delivery-log-no-device");
        browser.assertAccessible("delivery log");

        // the live list is swapped only when what it shows changed: a keyboard user's focus stays put
        browser.driver.executeScript(
                "document.querySelector(\"#deliveries tr[data-status='no_device'] button\").focus();");
        Thread.sleep(7_000); // two polls
        assertThat(browser.driver.executeScript("return document.activeElement.textContent.trim()"))
                .as("the focused Re-send survives the polls")
                .isEqualTo("Re-send");

        // the app registers the session's device now; the owner re-sends from the log
        String device = "resend-" + UUID.randomUUID().toString().replace("-", "") + ":APA91b"
                + UUID.randomUUID().toString().replace("-", "");
        PortalPlatform.send(
                "PUT",
                "http://localhost:" + platform.deliveryPort + "/v1/device-registrations/" + device,
                token,
                "{\"configId\":\"" + axpId + "\",\"sessionId\":\"" + sessionId
                        + "\",\"platform\":\"android\",\"provider\":\"fcm\"}",
                200);
        browser.press("Re-send");
        browser.waitFor(driver ->
                !browser.all("#deliveries tr[data-status='delivered']").isEmpty());
        assertThat(browser.driver.executeScript("return window.pushgateNotReloaded === true"))
                .as("re-sent and delivered without a reload")
                .isEqualTo(true);
        assertThat(browser.all("#deliveries tbody tr")).hasSize(1);
        assertThat(browser.all("#deliveries button"))
                .as("a delivered notification has no Re-send")
                .isEmpty();
        browser.assertAccessible("delivery log after a re-send");

        String messages = PortalPlatform.send(
                "GET", "http://localhost:" + platform.deliveryPort + "/v1/sandbox/messages", token, null, 200);
        assertThat(messages.split(java.util.regex.Pattern.quote("\"deviceToken\":\"" + device + "\""), -1))
                .as("the sandbox phone got exactly one push")
                .hasSize(2);

        // the notification opens to its attempt and the audited re-send
        browser.find("#deliveries tr[data-status='delivered'] a").click();
        browser.waitFor(
                driver -> !browser.all("#attempts tr[data-outcome='delivered']").isEmpty());
        assertThat(browser.find("#attempts tr[data-outcome='delivered']").getText())
                .contains("Sandbox")
                .contains("Delivered to the provider")
                .contains("ms");
        assertThat(browser.find("#resends").getText()).contains("No device").contains(account.email());
        browser.screenshot("26-delivery-attempts");
        browser.assertAccessible("a notification's attempts");

        // a viewer sees the log, and no Re-send even on a notification that could be re-sent
        assertThat(callback(
                        PortalPlatform.field(created, "callbackUrl"),
                        PortalPlatform.field(created, "secret"),
                        "omni-session-" + UUID.randomUUID()))
                .isEqualTo(202);
        PortalPlatform.Account viewer = platform.addMember(account, "viewer");
        browser.press("Sign out");
        signIn(viewer);
        browser.open(platform.portal("/deliveries"));
        browser.waitFor(driver ->
                !browser.all("#deliveries tr[data-status='no_device']").isEmpty());
        assertThat(browser.all("#deliveries tbody tr")).hasSize(2);
        assertThat(browser.all("main form[method='post']"))
                .as("a viewer gets no Re-send")
                .isEmpty();
        // and the portal refuses a viewer's re-send, even with a valid CSRF token
        String refusable =
                browser.find("#deliveries tr[data-status='no_device']").getAttribute("data-notification");
        Object answer = browser.driver.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + " var headers = JSON.parse(document.body.getAttribute('hx-headers'));"
                + " headers['Content-Type'] = 'application/x-www-form-urlencoded';"
                + " fetch('/deliveries/" + refusable + "/resend', {method: 'POST', headers: headers, body: ''})"
                + "   .then(r => done(String(r.status)), e => done(String(e)));");
        assertThat(String.valueOf(answer)).isEqualTo("403");
        assertThat(browser.all("#deliveries tr[data-status='no_device']")).hasSize(1);
    }

    /** Opens {@code path} again until {@code selector} is on it (delivery-service flushes every second). */
    private void openUntilShown(String path, String selector) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            browser.open(platform.portal(path));
            if (!browser.all(selector).isEmpty()) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("waited 15 s for " + selector + " on " + path)
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** A callback as AXP sends it, signed with {@code secret}; answers the status. */
    private static int callback(String callbackUrl, String secret) throws Exception {
        return callback(callbackUrl, secret, "omni-session-" + UUID.randomUUID());
    }

    /** A callback as AXP sends it for {@code sessionId}, signed with {@code secret}; answers the status. */
    private static int callback(String callbackUrl, String secret, String sessionId) throws Exception {
        String eventId = UUID.randomUUID().toString();
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

    @Test
    void aRefusedSettingShowsItsErrorNextToTheFieldAndKeepsWhatWasTyped() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        String id = configuration(account, "Errors app");
        signIn(account);

        browser.open(platform.portal("/configurations/" + id));
        browser.type("#deliveryWindow", "5000");
        browser.type("#template-title", "T".repeat(201));
        browser.press("Save settings");
        assertThat(browser.find("#deliveryWindow-error").getText()).isNotBlank();
        assertThat(browser.find("#deliveryWindow").getAttribute("value")).isEqualTo("5000");
        browser.screenshot("17-configuration-refused");
        browser.assertAccessible("configuration with an error");
    }

    @Test
    void aCredentialIsUploadedAndTestedAndABadFileIsNamedNextToItsField() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        signIn(account);
        browser.open(platform.portal("/credentials"));
        assertThat(browser.find(".empty").getText()).contains("No credential yet");

        java.nio.file.Path notJson = java.nio.file.Files.createTempFile("not-a-key", ".json");
        java.nio.file.Files.writeString(notJson, "this is not a service account");
        browser.find("details.add:nth-of-type(2) summary").click();
        browser.type("#fcm-name", "Firebase");
        browser.find("#fcm-file").sendKeys(notJson.toString());
        browser.press("Add and test");
        assertThat(browser.find("#fcm-file-error").getText()).contains("not JSON");
        assertThat(browser.find("#fcm-name").getAttribute("value")).isEqualTo("Firebase");
        assertThat(browser.find("#fcm-file-hint").getText()).contains("choose it again");
        assertThat(browser.driver.getPageSource()).doesNotContain("this is not a service account");
        browser.screenshot("20-credential-refused");
        browser.assertAccessible("credentials with an error");

        // a real service account key file, as the sandbox's FCM emulator mints one
        String key = PortalPlatform.send(
                "POST",
                platform.sandboxUrl().replaceAll("/$", "") + "/emulator/fcm/service-accounts",
                null,
                "{\"projectId\":\"portal-test\"}",
                201);
        java.nio.file.Path keyFile = java.nio.file.Files.createTempFile("service-account", ".json");
        java.nio.file.Files.writeString(keyFile, key);
        browser.find("#fcm-file").sendKeys(keyFile.toString());
        browser.press("Add and test");
        assertThat(browser.find(".notice").getText()).contains("Credential \"Firebase\" added.");
        WebElement card = browser.find(".card");
        assertThat(card.getText()).contains("Firebase Cloud Messaging").contains("portal-test");
        String testResult = card.findElement(org.openqa.selenium.By.cssSelector(".test-result"))
                .getText();
        assertThat(testResult)
                .as("the connection test's answer (or why it did not run) is shown at once")
                .isNotBlank();
        if (testResult.contains("was not tested")) { // Google out of reach, as here: no verdict on the key
            assertThat(testResult)
                    .as("a test that could not reach the provider is not called a failed connection")
                    .startsWith("Not tested.");
        }
        assertThat(browser.driver.getPageSource()).as("the key is never shown").doesNotContain("BEGIN PRIVATE KEY");
        browser.screenshot("21-credential-added");
    }

    @Test
    void anApnsCertificateIsUploadedWithItsPasswordAndItsExpiryIsShown() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        signIn(account);
        browser.open(platform.portal("/credentials"));
        ApnsCertificate certificate =
                ApnsCertificateAuthority.create("Test Apple WWDR").issue("com.example.portal");
        java.nio.file.Path p12 = java.nio.file.Files.createTempFile("apns", ".p12");
        java.nio.file.Files.write(p12, certificate.p12());

        browser.driver
                .findElement(org.openqa.selenium.By.xpath("//summary[normalize-space(.)='APNs certificate (.p12)']"))
                .click();
        browser.type("#p12-name", "iOS certificate");
        browser.find("#p12-file").sendKeys(p12.toString());
        browser.type("#p12-password", "not-" + certificate.password());
        browser.submitFormOf("#p12-file");
        assertThat(browser.find("#p12-password-error").getText()).contains("Does not open the .p12 file");
        assertThat(browser.find("#p12-name").getAttribute("value")).isEqualTo("iOS certificate");
        assertThat(browser.find("#p12-file-hint").getText())
                .as("the emptied file field says to choose the file again")
                .contains("choose it again");
        browser.screenshot("22-certificate-refused");
        browser.assertAccessible("credentials with a certificate error");

        browser.find("#p12-file").sendKeys(p12.toString());
        browser.type("#p12-password", certificate.password());
        browser.submitFormOf("#p12-file");
        assertThat(browser.find(".notice").getText()).contains("Credential \"iOS certificate\" added.");
        WebElement card = browser.find(".card");
        assertThat(card.getText())
                .contains("APNs certificate", "com.example.portal", "Certificate expires")
                .contains(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                        .withZone(java.time.ZoneOffset.UTC)
                        .format(certificate.expiresAt()));
        assertThat(browser.driver.getPageSource())
                .as("neither the password nor the file is ever shown")
                .doesNotContain(certificate.password())
                .doesNotContain(certificate.p12Base64().substring(100, 160));
        browser.screenshot("23-certificate-added");
    }

    @Test
    void aFormPostedWithoutItsCsrfTokenIsRefused() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        signIn(account);
        browser.open(platform.portal("/configurations"));

        // the page as a forged cross-site form would be: no token in the form, none in htmx's headers
        browser.driver.executeScript("document.querySelectorAll('input[name=_csrf]').forEach(i => i.remove());"
                + " document.body.removeAttribute('hx-headers');");
        browser.type("#name", "Forged");
        browser.press("Create configuration");
        assertThat(browser.heading()).isEqualTo("This form has expired");
        assertSignedInLayout("the expired form's page", account.email());
        browser.screenshot("18-csrf-refused");

        Cookie session = browser.driver.manage().getCookieNamed(SESSION_COOKIE);
        HttpResponse<String> raw = HTTP.send(
                HttpRequest.newBuilder(URI.create(platform.portal("/configurations")))
                        .header("Cookie", SESSION_COOKIE + "=" + session.getValue())
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("name=Forged+too"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(raw.statusCode()).isEqualTo(403);
        assertThat(PortalPlatform.send(
                        "GET", platform.tenantService("/v1/configurations"), platform.login(account), null, 200))
                .as("nothing was created")
                .doesNotContain("Forged");

        // the same form with its token works
        browser.open(platform.portal("/configurations"));
        browser.type("#name", "Genuine");
        browser.press("Create configuration");
        assertThat(browser.heading()).isEqualTo("Put Genuine into AXP");

        // an address that is no page, and a configuration that is not there: "Not found" in the member's layout
        browser.open(platform.portal("/no-such-page"));
        softly.assertThat(browser.heading()).as("an address that is no page").isEqualTo("Not found");
        assertSignedInLayout("an address that is no page", account.email());
        browser.screenshot("18-not-found-no-such-page");
        browser.open(platform.portal("/configurations/" + UUID.randomUUID()));
        softly.assertThat(browser.heading())
                .as("a configuration that is not there")
                .isEqualTo("Not found");
        assertSignedInLayout("a configuration that is not there", account.email());
        softly.assertThat(texts("header nav a[aria-current='page']"))
                .as("its section in the navigation")
                .containsExactly("Configurations");
        browser.screenshot("18-not-found-configuration");
        browser.assertAccessible("a configuration that is not found");
        // and the error page's sign-out works (its form carries the session's CSRF token)
        browser.press("Sign out");
        assertThat(browser.heading()).isEqualTo("Sign in to Pushgate");
    }

    @Test
    void aViewerSeesEverythingAndCanChangeNothing() throws Exception {
        PortalPlatform.Account owner = platform.signUp();
        String id = configuration(owner, "Viewed app");
        PortalPlatform.send(
                "POST",
                platform.tenantService("/v1/credentials"),
                platform.login(owner),
                "{\"type\":\"sandbox\",\"name\":\"Sandbox\"}",
                201);
        PortalPlatform.Account viewer = platform.addMember(owner, "viewer");
        signIn(viewer);

        for (String page : List.of(
                "/", "/configurations", "/configurations/" + id, "/credentials", "/app-access", "/members", "/audit")) {
            browser.open(platform.portal(page));
            assertThat(browser.find(".viewer-note").getText()).contains("change nothing");
            List<WebElement> changes =
                    browser.all("main form[method='post'], main button[type='submit']:not([disabled])");
            assertThat(changes)
                    .as(page + " shows no control that changes anything")
                    .isEmpty();
        }
        browser.open(platform.portal("/configurations/" + id));
        browser.screenshot("19-viewer-configuration");
        browser.assertAccessible("configuration as a viewer");

        // and the portal itself refuses a viewer's change, even with a valid CSRF token
        Object answer = browser.driver.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + " var headers = JSON.parse(document.body.getAttribute('hx-headers'));"
                + " headers['Content-Type'] = 'application/x-www-form-urlencoded';"
                + " fetch('/configurations/" + id + "/delete', {method: 'POST', headers: headers, body: ''})"
                + "   .then(r => r.text().then(t => done(r.status + ' ' + t)), e => done(String(e)));");
        assertThat(String.valueOf(answer)).startsWith("403 ").contains("Your role does not allow this");
        softly.assertThat(String.valueOf(answer))
                .as("the refusal is a page in the viewer's layout")
                .contains("aria-label=\"Main\"")
                .contains(viewer.email());
        PortalPlatform.send(
                "GET", platform.tenantService("/v1/configurations/" + id), platform.login(owner), null, 200);
    }

    @Test
    void signingOutEndsTheSessionAndTheBackButtonShowsNothingPrivate() throws Exception {
        PortalPlatform.Account account = platform.signUp();
        String name = "Private app " + UUID.randomUUID();
        configuration(account, name);

        browser.open(platform.portal("/sign-in"));
        String anonymous =
                browser.driver.manage().getCookieNamed(SESSION_COOKIE).getValue();
        signIn(account);
        Cookie session = browser.driver.manage().getCookieNamed(SESSION_COOKIE);
        assertThat(session.getValue()).as("a new session id at sign-in").isNotEqualTo(anonymous);
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.isSecure()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Lax");
        assertThat(session.getPath()).isEqualTo("/");
        assertThat(status("/configurations", anonymous))
                .as("the session id from before the sign-in is not signed in")
                .isEqualTo(303);

        browser.open(platform.portal("/configurations"));
        assertThat(browser.driver.getPageSource()).contains(name);
        browser.press("Sign out");
        assertThat(browser.heading()).isEqualTo("Sign in to Pushgate");
        assertThat(browser.find(".info").getText()).isEqualTo("You are signed out.");

        browser.driver.navigate().back();
        browser.settled();
        assertThat(browser.driver.getPageSource()).doesNotContain(name);
        assertThat(browser.heading()).isEqualTo("Sign in to Pushgate");
        assertThat(status("/configurations", session.getValue()))
                .as("the signed-out session id opens nothing")
                .isEqualTo(303);
    }

    @Test
    void everyPageHasTheSecurityHeaders() throws Exception {
        HttpResponse<String> page = HTTP.send(
                HttpRequest.newBuilder(URI.create(platform.portal("/sign-in"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp)
                        .contains("script-src 'self'")
                        .contains("style-src 'self'")
                        .contains("frame-ancestors 'none'")
                        .doesNotContain("unsafe-inline"));
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(value -> assertThat(value).contains("no-store"));
        assertThat(page.body()).doesNotContain("<script>").doesNotContain("style=");

        // an error without a session: the plain page (no navigation, no member), with the same headers
        HttpResponse<String> missing = HTTP.send(
                HttpRequest.newBuilder(URI.create(platform.portal("/css/no-such-file.css")))
                        .header("Accept", "text/html")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        softly.assertThat(missing.statusCode()).isEqualTo(404);
        softly.assertThat(missing.body())
                .contains("<h1>Not found</h1>")
                .doesNotContain("aria-label=\"Main\"")
                .doesNotContain("Sign out");
        softly.assertThat(missing.headers().firstValue("Content-Security-Policy"))
                .hasValue(page.headers().firstValue("Content-Security-Policy").orElseThrow());
    }

    /** The page is in a signed-in member's layout: the navigation, their e-mail, a sign-out form with its CSRF token. */
    private void assertSignedInLayout(String page, String email) {
        softly.assertThat(browser.all("header nav[aria-label='Main'] a"))
                .as(page + ": the navigation")
                .hasSize(9);
        softly.assertThat(String.join(" ", texts("header .who")))
                .as(page + ": the signed-in member")
                .contains(email);
        softly.assertThat(browser.all("header form[action='/sign-out'] input[name='_csrf']"))
                .as(page + ": sign-out with its CSRF token")
                .hasSize(1);
    }

    private List<String> texts(String css) {
        return browser.all(css).stream().map(WebElement::getText).toList();
    }

    private void visit(String path, String screenshot) throws Exception {
        browser.open(platform.portal(path));
        browser.screenshot(screenshot);
        browser.assertAccessible(path);
    }

    private void signIn(PortalPlatform.Account account) {
        browser.open(platform.portal("/sign-in"));
        browser.type("#email", account.email());
        browser.type("#password", account.password());
        browser.press("Sign in");
        assertThat(browser.find("main h1").getText()).isIn("Get started", "You are all set");
    }

    private String configuration(PortalPlatform.Account account, String name) throws Exception {
        return PortalPlatform.field(
                PortalPlatform.send(
                        "POST",
                        platform.tenantService("/v1/configurations"),
                        platform.login(account),
                        "{\"name\":\"" + name + "\"}",
                        201),
                "id");
    }

    private String cacheControl(String url) throws Exception {
        Cookie session = browser.driver.manage().getCookieNamed(SESSION_COOKIE);
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Cookie", SESSION_COOKIE + "=" + session.getValue())
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .headers()
                .firstValue("Cache-Control")
                .orElse("");
    }

    private int status(String path, String sessionId) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(platform.portal(path)))
                                .header("Cookie", SESSION_COOKIE + "=" + sessionId)
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
