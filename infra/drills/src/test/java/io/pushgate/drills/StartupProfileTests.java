package io.pushgate.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartupProfileTests {

    private static final Instant KILLED = Instant.parse("2026-12-06T03:05:00.000Z");

    @Test
    void theMilestonesOfTheNewProcessAreSecondsAfterTheKillAndTheOldProcessIsIgnored() {
        List<String> log = List.of(
                "2026-12-06T03:04:59.000Z  INFO 100 --- [delivery-service] [main] i.p.d.X : Started DeliveryServiceApplication"
                        + " in 9.0 seconds (process running for 9.5)",
                "OpenJDK 64-Bit Server VM warning: a line without the format",
                "2026-12-06T03:05:06.000Z  INFO 200 --- [delivery-service] [main] i.p.d.X : Starting DeliveryServiceApplication",
                "2026-12-06T03:05:15.250Z  INFO 200 --- [delivery-service] [main] o.f.c.i.c.DbValidate : Successfully"
                        + " validated 10 migrations (execution time 00:00.041s)",
                "2026-12-06T03:05:21.000Z  INFO 200 --- [delivery-service] [main] o.s.b.r.n.NettyWebServer : Netty started on"
                        + " port 41234 (http)",
                "2026-12-06T03:05:22.000Z  INFO 200 --- [delivery-service] [main] i.p.d.X : Started DeliveryServiceApplication"
                        + " in 15.1 seconds (process running for 18.0)");

        assertThat(StartupProfile.of(log, 200, KILLED))
                .containsExactly(
                        entry("jvmStarted", 4.0),
                        entry("firstLogLine", 6.0),
                        entry("flywayValidated", 15.3),
                        entry("webServerListening", 21.0),
                        entry("springStarted", 22.0));
        assertThat(StartupProfile.of(log, 300, KILLED)).isEmpty();
    }

    private static java.util.Map.Entry<String, Double> entry(String key, double value) {
        return java.util.Map.entry(key, value);
    }
}
