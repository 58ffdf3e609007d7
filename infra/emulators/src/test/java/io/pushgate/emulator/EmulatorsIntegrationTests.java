package io.pushgate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import com.google.firebase.FirebaseApp;
import org.junit.jupiter.api.Test;

/** Both emulators started together, as the sandbox and the load simulator start them. */
class EmulatorsIntegrationTests {

    @Test
    void bothAcceptPushesFromTheRealClients() throws Exception {
        try (Emulators emulators = Emulators.start("127.0.0.1", 0, 0)) {
            FcmServiceAccount account = emulators.fcm().mintServiceAccount("sandbox");
            FirebaseApp app = TestFirebaseApps.withServiceAccount(emulators.fcm(), account);
            try {
                TestFirebaseApps.messaging(app)
                        .send(FcmEmulatorIntegrationTests.to("fcm-token")
                                .putData("k", "v")
                                .build());
            } finally {
                app.delete();
            }
            ApnsAuthKey key = emulators.apns().mintAuthKey(ApnsAuthKey.randomId(), "io.pushgate.sandbox");
            ApnsClient client = new ApnsClientBuilder()
                    .setApnsServer("localhost", emulators.apns().port())
                    .setTrustedServerCertificateChain(emulators.apns().serverCertificate())
                    .setSigningKey(key.signingKey())
                    .build();
            try {
                String token = ApnsEmulatorIntegrationTests.hexToken();
                assertThat(client.sendNotification(
                                        new SimpleApnsPushNotification(token, "io.pushgate.sandbox", "{\"aps\":{}}"))
                                .get()
                                .isAccepted())
                        .isTrue();
            } finally {
                client.close().get();
            }
            assertThat(emulators.fcm().messagesTo("fcm-token")).hasSize(1);
        }
    }
}
