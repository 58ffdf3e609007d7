package io.pushgate.delivery.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.delivery.dispatch.Deliveries.Attempt;
import io.pushgate.delivery.dispatch.Deliveries.Claimed;
import io.pushgate.delivery.dispatch.Deliveries.Finish;
import io.pushgate.delivery.notification.AttemptOutcome;
import io.pushgate.delivery.registration.Device;
import io.pushgate.delivery.registration.PushProvider;
import io.pushgate.delivery.registration.Registrations;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registration look-ups and outcomes of many notifications in one statement each ({@link
 * Deliveries#devices}, {@link Deliveries#finishTogether}): every one still gets its own
 * answer, in order, and the fencing token still decides per row. The grouped statements are called
 * directly, so a fallback to one statement each could not hide a broken one.
 */
@DeliveryServiceTest
class GroupedStatementsIntegrationTests {

    @Autowired
    Deliveries deliveries;

    @Autowired
    Registrations registrations;

    @Test
    void lookUpsTogetherEachFindTheirOwnSessionsNewestUsableRegistration() throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        DeliveryFixtures.registration(configuration, DeliveryFixtures.fcmToken(), "session-two", "android", "fcm");
        Thread.sleep(5);
        String newest = DeliveryFixtures.fcmToken();
        DeliveryFixtures.registration(configuration, newest, "session-two", "android", "fcm");
        String alone = DeliveryFixtures.apnsToken();
        DeliveryFixtures.registration(configuration, alone, "session-one", "ios", "apns");
        UUID invalidated = DeliveryFixtures.registration(
                configuration, DeliveryFixtures.fcmToken(), "session-invalidated", "android", "fcm");
        registrations.invalidate(invalidated, "UNREGISTERED").block();

        List<String> sessions = List.of(
                "session-none", "session-two", "session-invalidated", "session-one", "session-two", "session-none");

        List<Optional<String>> found = deliveries
                .devices(sessions.stream()
                        .map(session -> claimed(configuration, session, UUID.randomUUID()))
                        .toList())
                .block(Duration.ofSeconds(10))
                .stream()
                .map(registration -> Optional.ofNullable(registration).map(Device::deviceToken))
                .toList();

        assertThat(found)
                .containsExactly(
                        Optional.empty(),
                        Optional.of(newest),
                        Optional.empty(),
                        Optional.of(alone),
                        Optional.of(newest),
                        Optional.empty());
    }

    @Test
    void outcomesTogetherAreEachRecordedAndAStaleHolderChangesNothing() throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        UUID credential = UUID.randomUUID();
        List<Claimed> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(leased(configuration, "session-" + i));
        }
        UUID stale = UUID.randomUUID();

        List<Boolean> mine = deliveries
                .finishTogether(List.of(
                        new Finish(
                                held.get(0),
                                Ending.delivered(new Attempt(
                                        PushProvider.FCM, credential, AttemptOutcome.DELIVERED, null, 12.5, true))),
                        new Finish(held.get(1), Ending.noDevice()),
                        new Finish(
                                withLease(held.get(2), stale),
                                Ending.delivered(new Attempt(
                                        PushProvider.FCM, credential, AttemptOutcome.DELIVERED, null, 3.0, true))),
                        new Finish(
                                held.get(3),
                                Ending.failed(
                                        new Attempt(
                                                PushProvider.APNS,
                                                null,
                                                AttemptOutcome.FAILED,
                                                "no_credential",
                                                0,
                                                false),
                                        "no APNs credential for ios"))))
                .block(Duration.ofSeconds(10));

        assertThat(mine).containsExactly(true, true, false, true);
        assertThat(row(held.get(0).id())).isEqualTo("delivered|1|fcm|null|null|answered");
        assertThat(row(held.get(1).id())).isEqualTo("no_device|0|null|null|null|unanswered");
        assertThat(row(held.get(2).id())).isEqualTo("accepted|0|null|null|null|unanswered");
        assertThat(row(held.get(3).id()))
                .isEqualTo("failed|0|apns|no_credential|no APNs credential for ios|unanswered");
        assertThat(attempts(held.get(0).id())).isEqualTo(List.of("fcm|" + credential + "|delivered|null|12.5"));
        assertThat(attempts(held.get(1).id())).isEmpty();
        // the stale holder's attempt happened, so it is recorded; its outcome is not
        assertThat(attempts(held.get(2).id())).isEqualTo(List.of("fcm|" + credential + "|delivered|null|3.0"));
        assertThat(attempts(held.get(3).id())).isEqualTo(List.of("apns|null|failed|no_credential|0.0"));
    }

    /**
     * One outcome the database refuses (an attempt without the tenant its NOT NULL requires) makes it
     * refuse the grouped statement as a whole: the outcomes are then written one by one, so only the
     * refused one is left unrecorded.
     */
    @Test
    void aRefusedGroupIsWrittenOneByOneAndOnlyTheRefusedOutcomeIsLeftOut() throws Exception {
        TestConfigurations.Inserted configuration = DeliveryFixtures.configuration();
        List<Claimed> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(leased(configuration, "session-refused-" + i));
        }

        List<Boolean> mine = deliveries
                .finishAll(List.of(
                        new Finish(held.get(0), Ending.noDevice()),
                        new Finish(
                                withoutTenant(held.get(1)),
                                Ending.delivered(new Attempt(
                                        PushProvider.FCM, null, AttemptOutcome.DELIVERED, null, 1.0, true))),
                        new Finish(held.get(2), Ending.noDevice())))
                .block(Duration.ofSeconds(10));

        assertThat(mine).containsExactly(true, false, true);
        assertThat(row(held.get(0).id())).startsWith("no_device|");
        assertThat(row(held.get(1).id())).startsWith("accepted|");
        assertThat(row(held.get(2).id())).startsWith("no_device|");
        assertThat(attempts(held.get(1).id())).isEmpty();
    }

    private static Claimed claimed(TestConfigurations.Inserted configuration, String sessionId, UUID id) {
        Instant receivedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return new Claimed(
                id,
                UUID.randomUUID(),
                configuration.tenantId(),
                configuration.id(),
                "event-" + id,
                sessionId,
                DeliveryFixtures.event(sessionId).fields(),
                receivedAt,
                receivedAt,
                0,
                Instant.now().plusSeconds(30));
    }

    /** {@code claimed} as a holder whose lease was taken over sees it: under another fencing token. */
    private static Claimed withLease(Claimed claimed, UUID lease) {
        return held(claimed, lease, claimed.tenantId());
    }

    /** {@code claimed} with its tenant unknown: its attempt breaks {@code delivery.attempt}'s NOT NULL. */
    private static Claimed withoutTenant(Claimed claimed) {
        return held(claimed, claimed.lease(), null);
    }

    private static Claimed held(Claimed claimed, UUID lease, UUID tenantId) {
        return new Claimed(
                claimed.id(),
                lease,
                tenantId,
                claimed.configurationId(),
                claimed.eventId(),
                claimed.sessionId(),
                claimed.fields(),
                claimed.receivedAt(),
                claimed.windowOpened(),
                claimed.attempts(),
                claimed.leaseEnds());
    }

    /** A new notification row leased as the inbox writes it. */
    private static Claimed leased(TestConfigurations.Inserted configuration, String sessionId) throws Exception {
        Claimed claimed = claimed(configuration, sessionId, UUID.randomUUID());
        try (Connection connection = DeliveryFixtures.connect();
                var insert = connection.prepareStatement("""
                        INSERT INTO delivery.notification
                            (id, tenant_id, configuration_id, event_id, session_id, payload, lease_owner, received_at,
                             lease_until)
                        VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, now() + interval '30 seconds')""")) {
            insert.setObject(1, claimed.id());
            insert.setObject(2, claimed.tenantId());
            insert.setObject(3, claimed.configurationId());
            insert.setString(4, claimed.eventId());
            insert.setString(5, sessionId);
            insert.setString(6, JsonMapper.shared().writeValueAsString(claimed.fields()));
            insert.setObject(7, claimed.lease());
            insert.setObject(8, claimed.receivedAt().atOffset(ZoneOffset.UTC));
            insert.executeUpdate();
        }
        return claimed;
    }

    private static String row(UUID id) throws Exception {
        try (Connection connection = DeliveryFixtures.connect();
                var select = connection.prepareStatement("""
                        SELECT status, attempts, provider, error_code, error_detail,
                               CASE WHEN answered_at IS NULL THEN 'unanswered' ELSE 'answered' END
                          FROM delivery.notification WHERE id = ?""")) {
            select.setObject(1, id);
            try (var rows = select.executeQuery()) {
                rows.next();
                return String.join(
                        "|",
                        rows.getString(1),
                        Integer.toString(rows.getInt(2)),
                        String.valueOf(rows.getString(3)),
                        String.valueOf(rows.getString(4)),
                        String.valueOf(rows.getString(5)),
                        rows.getString(6));
            }
        }
    }

    private static List<String> attempts(UUID notificationId) throws Exception {
        try (Connection connection = DeliveryFixtures.connect();
                var select = connection.prepareStatement("""
                        SELECT provider, credential_id, outcome, error_code, latency_ms
                          FROM delivery.attempt WHERE notification_id = ? ORDER BY id""")) {
            select.setObject(1, notificationId);
            List<String> attempts = new ArrayList<>();
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    attempts.add(String.join(
                            "|",
                            rows.getString(1),
                            String.valueOf(rows.getString(2)),
                            rows.getString(3),
                            String.valueOf(rows.getString(4)),
                            Double.toString(rows.getDouble(5))));
                }
            }
            return attempts;
        }
    }
}
