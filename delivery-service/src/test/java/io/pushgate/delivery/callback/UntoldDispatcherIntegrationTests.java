package io.pushgate.delivery.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.axp.AxpEvent;
import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.delivery.notification.NotificationsAccepted;
import io.pushgate.testkit.TestDatabase;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * The inbox tells this instance's dispatcher of new rows after their commit. Should telling it fail,
 * the callback still gets its 202 — the row is committed and leased, and a sweep delivers it once
 * its lease runs out — never a 503 for an event that is safely stored.
 */
@DeliveryServiceTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UntoldDispatcherIntegrationTests {

    @LocalServerPort
    int port;

    @Test
    void aListenerThatFailsCostsTheCallbackNothing() throws Exception {
        TestConfigurations.Inserted configuration;
        try (Connection connection = TestDatabase.get().connect()) {
            configuration = TestConfigurations.configuration().insert(connection);
        }
        AxpEvent event = AxpEvent.of(UUID.randomUUID().toString(), "session-" + UUID.randomUUID());

        HttpResponse<String> answer = new Callbacks(port)
                .post(configuration.callbackKey(), event.signature(configuration.secret()), event.toJson());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        // the failure did happen: the listener was told of this event, and threw
        assertThat(BrokenDispatcher.told).contains(event.eventId());
        try (Connection connection = TestDatabase.get().connect();
                var select = connection.prepareStatement("""
                        SELECT status FROM delivery.notification WHERE event_id = ?""")) {
            select.setString(1, event.eventId());
            try (var rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("accepted");
            }
        }
    }

    @TestConfiguration
    static class BrokenDispatcherConfiguration {

        @Bean
        BrokenDispatcher brokenDispatcher() {
            return new BrokenDispatcher();
        }
    }

    static class BrokenDispatcher {

        /** The event ids it was told of (and failed on). */
        static final Set<String> told = ConcurrentHashMap.newKeySet();

        @EventListener
        public void accepted(NotificationsAccepted batch) {
            batch.notifications().forEach(accepted -> told.add(accepted.eventId()));
            throw new IllegalStateException("the dispatcher is broken");
        }
    }
}
