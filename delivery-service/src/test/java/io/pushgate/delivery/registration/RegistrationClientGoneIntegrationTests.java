package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.pushgate.testkit.ClientsGoingAway;
import io.pushgate.testkit.ClientsGoingAway.HalfBody;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A client that leaves a registration's body half sent (closed or reset, {@code Content-Length} or
 * chunked) is its doing, not a fault of the service: no ERROR and no stack trace in the log, one
 * DEBUG line naming the route (never the device token), a count in {@code
 * pushgate_requests_client_gone_total{route}}, and nothing registered.
 */
class RegistrationClientGoneIntegrationTests extends RegistrationIntegrationSupport {

    private static final String ROUTE = "/v1/device-registrations/{deviceToken}";

    @Test
    void aClientThatLeavesARegistrationHalfSentIsCountedAndNeverAnError() throws Exception {
        Tenant tenant = tenant();
        String deviceToken = fcmToken();
        byte[] body = ("{\"configId\":\"" + tenant.configId()
                        + "\",\"sessionId\":\"s-gone\",\"customerId\":\"c-gone\",\"platform\":\"android\"}")
                .getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers =
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + appToken(tenant));
        double before = ClientsGoingAway.counted(port, ROUTE);
        List<HalfBody> ways = HalfBody.everyWay();
        long continued = ways.stream().filter(HalfBody::expectContinue).count();
        List<ILoggingEvent> lines;
        try (ClientsGoingAway.Logs logs = ClientsGoingAway.capture("io.pushgate.delivery.security.ClientGoneHandler")) {
            for (HalfBody how : ways) {
                String received = ClientsGoingAway.goAwayMidBody(
                        port, "PUT", "/v1/device-registrations/" + deviceToken, headers, body, how);
                if (how.expectContinue()) {
                    assertThat(received).as(how.toString()).startsWith("HTTP/1.1 100 ");
                }
            }
            double counted = ClientsGoingAway.counted(port, ROUTE) - before;
            for (int i = 0; i < 100 && counted < continued; i++) {
                Thread.sleep(100); // the last ones may still be closing on the server's side
                counted = ClientsGoingAway.counted(port, ROUTE) - before;
            }
            Thread.sleep(500); // a late ERROR would come now
            counted = ClientsGoingAway.counted(port, ROUTE) - before;
            // those sent without 100 Continue may be gone before the server read their head: not counted
            assertThat(counted).as("registrations counted as client gone").isBetween((double) continued, (double)
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
                    assertThat(line.getFormattedMessage()).contains("method=PUT route=" + ROUTE);
                });
        assertThat(lines)
                .extracting(ILoggingEvent::getFormattedMessage)
                .as("never the device token")
                .noneMatch(message -> message.contains(deviceToken.substring(0, 24)));
        assertThat(registrationCount(tenant)).as("nothing registered").isZero();
    }
}
