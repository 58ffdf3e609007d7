package io.pushgate.delivery.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.registration.DevicePlatform;
import io.pushgate.delivery.registration.PushProvider;
import io.pushgate.emulator.FcmEmulator;
import io.pushgate.emulator.FcmServiceAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FcmChannel} on firebase-admin against the FCM emulator, over a real socket: a channel
 * closed while a delivery still holds it (its credential was replaced) answers a transient {@code
 * channel_closed}, so the notification is retried on the new channel instead of failing for good.
 */
class FcmChannelIntegrationTests {

    private static final FcmEmulator fcm = FcmEmulator.start();
    private static final FcmSendPool pool = new FcmSendPool(4, 16);

    @AfterAll
    static void stopEmulator() {
        pool.close();
        fcm.close();
    }

    @Test
    void aSendOnAClosedChannelIsTransientAndAnOpenOneDelivers() throws Exception {
        FcmServiceAccount account =
                fcm.mintServiceAccount("project-" + UUID.randomUUID().toString().substring(0, 8));
        FcmChannel channel = FcmChannel.create(
                new Credential(
                        UUID.randomUUID(),
                        UUID.randomUUID(),
                        PushProvider.FCM,
                        Map.of("projectId", account.projectId()),
                        account.json()),
                pool,
                new ProviderSettings(
                        fcm.baseUri(),
                        null,
                        null,
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(30),
                        Duration.ofHours(1),
                        1,
                        4,
                        16));
        String token = "fcm-token-" + UUID.randomUUID();

        DeliveryOutcome open = channel.send(push(token)).block(Duration.ofSeconds(15));
        channel.close();
        DeliveryOutcome closed = channel.send(push(token)).block(Duration.ofSeconds(15));

        assertThat(open).isInstanceOf(DeliveryOutcome.Accepted.class);
        assertThat(closed).isEqualTo(new DeliveryOutcome.Transient("channel_closed", null));
        assertThat(fcm.messagesTo(token)).hasSize(1);
    }

    private static Push push(String token) {
        return new Push(
                UUID.randomUUID(),
                token,
                DevicePlatform.ANDROID,
                Map.of("eventId", "e-1", "sessionId", "s-1"),
                "title",
                "body",
                "conversation-1",
                Instant.now().plusSeconds(600),
                null);
    }
}
