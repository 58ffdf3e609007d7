package io.pushgate.portal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.pushgate.testkit.ClientsGoingAway;
import io.pushgate.testkit.ClientsGoingAway.HalfBody;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A browser that leaves a sign-in form half sent (closed or reset, {@code Content-Length} or
 * chunked) — read by the CSRF check, as the form of a session with a CSRF token — is its doing, not
 * a fault of the portal: no ERROR and no stack trace in the log, one DEBUG line without the form.
 * The portal publishes no metrics: nothing is counted.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + WebPortalApplication.CONFIG_NAME)
class ClientGoneIntegrationTests {

    private static final String PASSWORD = "half-sent-password-7Qx";

    @LocalServerPort
    int port;

    @Test
    void aBrowserThatLeavesASignInFormHalfSentIsNeverAnError() throws Exception {
        byte[] form = ("email=gone%40example.test&password=" + PASSWORD + "&_csrf=not-read-this-far")
                .getBytes(StandardCharsets.US_ASCII);
        Map<String, String> headers =
                Map.of("Content-Type", "application/x-www-form-urlencoded", "Cookie", sessionCookie());
        List<ILoggingEvent> lines;
        try (ClientsGoingAway.Logs logs = ClientsGoingAway.capture("io.pushgate.portal.web.ClientGoneHandler")) {
            for (HalfBody how : HalfBody.everyWay()) {
                String received = ClientsGoingAway.goAwayMidBody(port, "POST", "/sign-in", headers, form, how);
                if (how.expectContinue()) {
                    assertThat(received).as(how.toString()).startsWith("HTTP/1.1 100 ");
                }
            }
            long continued = HalfBody.everyWay().stream()
                    .filter(HalfBody::expectContinue)
                    .count();
            for (int i = 0; i < 100 && said(logs.lines()) < continued; i++) {
                Thread.sleep(100); // the last ones may still be closing on the server's side
            }
            Thread.sleep(500); // a late ERROR would come now
            lines = logs.lines();
            // those sent without 100 Continue may be gone before the portal read their head: not said
            assertThat(said(lines)).as("sign-ins said as client gone").isBetween(continued, (long)
                    HalfBody.everyWay().size());
        }
        assertThat(lines)
                .as("nothing at WARN or ERROR, from any logger")
                .filteredOn(line -> line.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(line -> line.getLoggerName() + ": " + line.getFormattedMessage())
                .isEmpty();
        assertThat(lines)
                .as("no stack trace")
                .filteredOn(line -> line.getThrowableProxy() != null)
                .extracting(line -> line.getLoggerName() + ": " + line.getFormattedMessage())
                .isEmpty();
        assertThat(lines)
                .extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(message -> message.contains(PASSWORD.substring(0, 10)));
    }

    /** The ClientGoneHandler's lines: each at DEBUG, naming the method. */
    private static long said(List<ILoggingEvent> lines) {
        return lines.stream()
                .filter(line -> line.getLoggerName().endsWith(".ClientGoneHandler"))
                .peek(line -> assertThat(line.getLevel()).isEqualTo(Level.DEBUG))
                .peek(line -> assertThat(line.getFormattedMessage()).contains("method=POST "))
                .count();
    }

    /** The cookie of a new session that holds a CSRF token: the sign-in page's. */
    private String sessionCookie() {
        List<String> cookies = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                // a bound for a hang, not a speed: the first page rendered on a busy machine takes seconds
                .responseTimeout(Duration.ofSeconds(30))
                .build()
                .get()
                .uri("/sign-in")
                .exchange()
                .expectStatus()
                .isOk()
                .returnResult(String.class)
                .getResponseHeaders()
                .get("Set-Cookie");
        assertThat(cookies).as("the sign-in page starts a session").isNotEmpty();
        return cookies.stream()
                .map(cookie -> cookie.substring(0, cookie.indexOf(';')))
                .collect(Collectors.joining("; "));
    }
}
