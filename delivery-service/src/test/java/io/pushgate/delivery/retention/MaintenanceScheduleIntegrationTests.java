package io.pushgate.delivery.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.testkit.TestDatabase;
import java.sql.Connection;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An instance with maintenance enabled runs a pass as it starts: a service that was down longer
 * than the partitions made ahead has today's partition before the first callback needs it. (The
 * migration made three days ahead; this context asks for six. Its next pass is far beyond this run.)
 */
@DeliveryServiceTest(
        properties = {
            "pushgate.retention.enabled=true",
            "pushgate.retention.partitions-ahead=6",
            "pushgate.retention.interval=1000d"
        })
class MaintenanceScheduleIntegrationTests {

    @Test
    void aPassRunsAtStartUpAndMakesTheDaysAhead() throws Exception {
        String sixDaysAhead = "notification_p"
                + DateTimeFormatter.BASIC_ISO_DATE.format(
                        LocalDate.now(ZoneOffset.UTC).plusDays(6));
        boolean exists = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!exists && System.nanoTime() < deadline) {
            try (Connection connection = TestDatabase.get().connect();
                    var query = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                query.setString(1, "delivery." + sixDaysAhead);
                try (var rows = query.executeQuery()) {
                    rows.next();
                    exists = rows.getBoolean(1);
                }
            }
            if (!exists) {
                Thread.sleep(100);
            }
        }
        assertThat(exists).as(sixDaysAhead + " made at start-up").isTrue();
    }
}
