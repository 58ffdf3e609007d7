package io.pushgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.testkit.ServiceProbes;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestPlatformInitializer;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + DeliveryServiceApplication.CONFIG_NAME)
@ContextConfiguration(initializers = TestPlatformInitializer.class)
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
