package io.pushgate.delivery.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceApplication;
import io.pushgate.delivery.callback.TestConfigurations;
import io.pushgate.testkit.TestDatabase;
import io.pushgate.testkit.TestPlatformInitializer;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/** The listener survives losing its connection: it listens again and evicts what it may have missed. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=" + DeliveryServiceApplication.CONFIG_NAME,
            // the same context as CallbackIngressIntegrationTests: only a notification explains a change
            "pushgate.configuration.cache-ttl=1h"
        })
@ContextConfiguration(initializers = TestPlatformInitializer.class)
class ConfigurationChangeListenerIntegrationTests {

    @Autowired
    Configurations configurations;

    @Autowired
    ConfigurationChangeListener listener;

    @BeforeAll
    static void controlPlaneSchema() {
        TestConfigurations.migrateTenancy();
    }

    @Test
    void listensAgainAfterItsConnectionIsKilled() throws Exception {
        TestConfigurations.Inserted inserted;
        try (var connection = TestDatabase.get().connect()) {
            inserted = TestConfigurations.configuration().insert(connection);
        }
        await(() -> listener.isListening());
        assertThat(enabled(inserted.callbackKey())).hasValue(true);

        try (var connection = TestDatabase.get().connect();
                var statement = connection.createStatement()) {
            statement.execute("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND query = 'LISTEN pushgate_tenancy_changed'""");
        }
        await(() -> !listener.isListening());
        await(() -> listener.isListening());

        ConfigurationCacheIntegrationTests.disable(inserted.id());
        try (var connection = TestDatabase.get().connect();
                var statement = connection.createStatement()) {
            statement.execute("NOTIFY pushgate_tenancy_changed, '{\"kind\":\"configuration\",\"id\":\"" + inserted.id()
                    + "\",\"tenantId\":\"" + inserted.tenantId() + "\"}'");
        }
        await(() -> enabled(inserted.callbackKey()).equals(Optional.of(false)));
        assertThat(enabled(inserted.callbackKey())).hasValue(false);
    }

    private Optional<Boolean> enabled(String callbackKey) {
        return configurations.byCallbackKey(callbackKey).block().map(CallbackConfiguration::enabled);
    }

    /** Polls a condition that an asynchronous event makes true, for at most twenty seconds. */
    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(100);
        }
    }
}
