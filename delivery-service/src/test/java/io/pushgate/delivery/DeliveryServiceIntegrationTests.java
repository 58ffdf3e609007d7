package io.pushgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.testkit.ServiceProbes;
import io.pushgate.testkit.TestDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@DeliveryServiceTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DeliveryServiceIntegrationTests {

    @LocalServerPort
    int port;

    @Test
    void isLiveAndReadyOnceItsDatabaseAnswers() {
        ServiceProbes.assertLiveAndReady(port);
    }

    @Test
    void migratesItsOwnSchemaAtStartUp() throws SQLException {
        assertThat(TestDatabase.get().tablesIn("delivery"))
                .contains("notification", "registration", "flyway_schema_history");
    }
}
