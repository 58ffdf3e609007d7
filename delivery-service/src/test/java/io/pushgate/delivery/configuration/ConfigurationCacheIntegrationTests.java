package io.pushgate.delivery.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.testkit.TestDatabase;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The cache when notifications are lost: with the listener off, a change is seen once the TTL has
 * run out and not before.
 */
@DeliveryServiceTest(properties = {"pushgate.configuration.cache-ttl=2s", "pushgate.configuration.listen=false"})
class ConfigurationCacheIntegrationTests {

    @Autowired
    Configurations configurations;

    @Test
    void aChangeWithoutNotificationIsSeenAfterTheTtlAndNotBefore() throws Exception {
        TestConfigurations.Inserted inserted;
        try (var connection = TestDatabase.get().connect()) {
            inserted = TestConfigurations.configuration().insert(connection);
        }
        assertThat(enabled(inserted.callbackKey())).hasValue(true);

        disable(inserted.id());

        // read again at once: still the cached configuration, the database is not asked
        assertThat(enabled(inserted.callbackKey())).hasValue(true);
        Optional<Boolean> seen = enabled(inserted.callbackKey());
        for (int i = 0; i < 100 && seen.orElseThrow(); i++) {
            Thread.sleep(100);
            seen = enabled(inserted.callbackKey());
        }
        assertThat(seen).hasValue(false);
    }

    @Test
    void unknownAndMalformedKeysAreEmpty() {
        assertThat(configurations.byCallbackKey("unknown-" + UUID.randomUUID()).block())
                .isEmpty();
        assertThat(configurations.byCallbackKey("../etc/passwd").block()).isEmpty();
        assertThat(configurations.byCallbackKey("k".repeat(129)).block()).isEmpty();
    }

    private Optional<Boolean> enabled(String callbackKey) {
        return configurations.byCallbackKey(callbackKey).block().map(CallbackConfiguration::enabled);
    }

    static void disable(UUID configurationId) throws SQLException {
        try (var connection = TestDatabase.get().connect();
                var update =
                        connection.prepareStatement("UPDATE tenancy.configuration SET enabled = false WHERE id = ?")) {
            update.setObject(1, configurationId);
            update.executeUpdate();
        }
    }
}
