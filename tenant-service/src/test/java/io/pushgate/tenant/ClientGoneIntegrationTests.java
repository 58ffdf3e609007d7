package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.pushgate.testkit.ClientsGoingAway;
import io.pushgate.testkit.ClientsGoingAway.HalfBody;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A client that leaves a sign-in's body half sent (closed or reset, {@code Content-Length} or
 * chunked) is its doing, not a fault of the service: no ERROR and no stack trace in the log, one
 * DEBUG line without the body, and a count in {@code pushgate_requests_client_gone_total{route}}.
 */
@ControlPlaneTest
class ClientGoneIntegrationTests {

    private static final String LOGIN = "/v1/auth/login";
    private static final String PASSWORD = "half-sent-password-7Qx";

    @Autowired
    Api api;

    @Test
    void aClientThatLeavesASignInHalfSentIsCountedAndNeverAnError() throws Exception {
        byte[] body = ("{\"email\":\"gone@example.test\",\"password\":\"" + PASSWORD + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        double before = ClientsGoingAway.counted(api.port(), LOGIN);
        List<HalfBody> ways = HalfBody.everyWay();
        long continued = ways.stream().filter(HalfBody::expectContinue).count();
        List<ILoggingEvent> lines;
        try (ClientsGoingAway.Logs logs = ClientsGoingAway.capture("io.pushgate.tenant.platform.ClientGoneHandler")) {
            for (HalfBody how : ways) {
                String received = ClientsGoingAway.goAwayMidBody(
                        api.port(), "POST", LOGIN, Map.of("Content-Type", "application/json"), body, how);
                if (how.expectContinue()) {
                    assertThat(received).as(how.toString()).startsWith("HTTP/1.1 100 ");
                }
            }
            double counted = ClientsGoingAway.counted(api.port(), LOGIN) - before;
            for (int i = 0; i < 100 && counted < continued; i++) {
                Thread.sleep(100); // the last ones may still be closing on the server's side
                counted = ClientsGoingAway.counted(api.port(), LOGIN) - before;
            }
            Thread.sleep(500); // a late ERROR would come now
            counted = ClientsGoingAway.counted(api.port(), LOGIN) - before;
            // those sent without 100 Continue may be gone before the server read their head: not counted
            assertThat(counted).as("sign-ins counted as client gone").isBetween((double) continued, (double)
                    ways.size());
            lines = logs.lines();
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
                .filteredOn(line -> line.getLoggerName().endsWith(".ClientGoneHandler"))
                .isNotEmpty()
                .allSatisfy(line -> {
                    assertThat(line.getLevel()).isEqualTo(Level.DEBUG);
                    assertThat(line.getFormattedMessage()).contains("method=POST route=" + LOGIN);
                });
        assertThat(lines)
                .extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(message -> message.contains(PASSWORD.substring(0, 10)));
    }
}
