package io.pushgate.delivery.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.testkit.TestDatabase;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The listener survives losing its connection: it listens again and evicts what it may have missed. */
@DeliveryServiceTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            // only a notification (or listening again) explains a change
            "pushgate.configuration.cache-ttl=1h",
            // a window while disconnected, long enough to change something in it
            "pushgate.configuration.listen-retry-delay=4s"
        })
class ConfigurationChangeListenerIntegrationTests {

    @Autowired
    Configurations configurations;

    @Autowired
    ConfigurationChangeListener listener;

    /**
     * A change made while the listener is disconnected is never notified to it: listening again, it
     * evicts everything, so the change is seen all the same; and changes after that are heard.
     */
    @Test
    void listensAgainAfterItsConnectionIsKilledAndMissesNoChangeMadeMeanwhile() throws Exception {
        TestConfigurations.Inserted inserted;
        try (var connection = TestDatabase.get().connect()) {
            inserted = TestConfigurations.configuration().insert(connection);
        }
        await("listening", () -> listener.isListening());
        assertThat(enabled(inserted.callbackKey())).hasValue(true);

        try (var connection = TestDatabase.get().connect();
                var statement = connection.createStatement();
                var killed = statement.executeQuery("""
                        SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
                        WHERE datname = current_database() AND query = 'LISTEN pushgate_tenancy_changed'""")) {
            killed.next();
            assertThat(killed.getInt(1)).as("listening connections killed").isEqualTo(1);
        }
        await("the drop noticed", () -> !listener.isListening());

        // changed and notified while nobody listens: this notification is lost
        ConfigurationCacheIntegrationTests.disable(inserted.id());
        notifyChange(inserted);
        assertThat(listener.isListening())
                .as("still disconnected when the change was sent")
                .isFalse();
        assertThat(enabled(inserted.callbackKey()))
                .as("cached until the listener is back")
                .hasValue(true);

        await("listening again", () -> listener.isListening());
        assertThat(enabled(inserted.callbackKey())).hasValue(false);

        // and a change after that is heard
        try (var connection = TestDatabase.get().connect();
                var enable =
                        connection.prepareStatement("UPDATE tenancy.configuration SET enabled = true WHERE id = ?")) {
            enable.setObject(1, inserted.id());
            enable.executeUpdate();
        }
        notifyChange(inserted);
        await("the change heard", () -> enabled(inserted.callbackKey()).equals(Optional.of(true)));
    }

    private static void notifyChange(TestConfigurations.Inserted inserted) throws java.sql.SQLException {
        try (var connection = TestDatabase.get().connect();
                var statement = connection.createStatement()) {
            statement.execute("NOTIFY pushgate_tenancy_changed, '{\"kind\":\"configuration\",\"id\":\"" + inserted.id()
                    + "\",\"tenantId\":\"" + inserted.tenantId() + "\"}'");
        }
    }

    private Optional<Boolean> enabled(String callbackKey) {
        return configurations.byCallbackKey(callbackKey).block().map(CallbackConfiguration::enabled);
    }

    /** Polls a condition that an asynchronous event makes true, for at most twenty seconds; fails after. */
    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 20 s for: " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
