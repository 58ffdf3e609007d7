package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.testkit.ServiceProbes;
import io.pushgate.testkit.TestDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@ControlPlaneTest
class TenantServiceIntegrationTests {

    @LocalServerPort
    int port;

    @Test
    void isLiveAndReadyOnceItsDatabaseAnswers() {
        ServiceProbes.assertLiveAndReady(port);
    }

    @Test
    void migratesItsOwnSchemaAtStartUp() throws SQLException {
        assertThat(TestDatabase.get().tablesIn("tenancy")).contains("tenant", "configuration", "flyway_schema_history");
    }
}
