package io.pushgate.delivery.credential;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.channel.DeliveryOutcome;
import io.pushgate.delivery.channel.Probe;
import io.pushgate.delivery.registration.PushProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What each provider answer means for the tenant, where the emulators cannot easily be made to answer it. */
class ConnectionTestsTests {

    private static final Map<String, String> APNS = Map.of(
            "keyId", "ABC123DEFG", "teamId", "TEAM123456", "topic", "com.example.app", "environment", "production");
    private static final Map<String, String> FCM =
            Map.of("projectId", "demo", "clientEmail", "push@demo.iam.gserviceaccount.com");

    @Test
    void anApnsConnectionThatFailsSaysSoAndIsNotATestResult() {
        ConnectionTest test = words(PushProvider.APNS, APNS, new DeliveryOutcome.Transient("io_error", null));

        assertThat(test.ok()).isFalse();
        assertThat(test.outcome()).isEqualTo("unreachable");
        assertThat(test.message()).contains("could not connect to Apple").contains("not tested");
        assertThat(test.hint()).contains("api.push.apple.com");
    }

    @Test
    void anApnsTimeOutSaysSo() {
        ConnectionTest test = words(PushProvider.APNS, APNS, new DeliveryOutcome.Transient("timeout", null));

        assertThat(test.outcome()).isEqualTo("unreachable");
        assertThat(test.message()).contains("did not answer in time");
    }

    @Test
    void anApnsOutageIsUnreachableNotRejected() {
        ConnectionTest test = words(PushProvider.APNS, APNS, new DeliveryOutcome.Transient("ServiceUnavailable", null));

        assertThat(test.outcome()).isEqualTo("unreachable");
        assertThat(test.message()).contains("ServiceUnavailable");
    }

    @Test
    void anFcmTimeOutSaysSo() {
        ConnectionTest test = words(PushProvider.FCM, FCM, new DeliveryOutcome.Transient("timeout", null));

        assertThat(test.ok()).isFalse();
        assertThat(test.outcome()).isEqualTo("unreachable");
        assertThat(test.message()).contains("Firebase did not answer in time");
        assertThat(test.hint()).contains("fcm.googleapis.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"send_queue_full", "send_queue_timeout"})
    void anFcmTestThatCouldNotBeSentForWantOfASendThreadSaysPushgateWasBusyNotFirebase(String code) {
        ConnectionTest test = words(PushProvider.FCM, FCM, new DeliveryOutcome.Transient(code, null));

        assertThat(test.ok()).isFalse();
        assertThat(test.outcome()).isEqualTo("unreachable");
        assertThat(test.message()).contains("Pushgate was too busy").doesNotContain(code);
        assertThat(test.hint()).doesNotContain("fcm.googleapis.com");
    }

    @Test
    void aBadTopicNamesTheBundleIdToFix() {
        ConnectionTest test = words(PushProvider.APNS, APNS, new DeliveryOutcome.Rejected("BadTopic"));

        assertThat(test.outcome()).isEqualTo("rejected");
        assertThat(test.message()).contains("com.example.app");
        assertThat(test.hint()).contains("bundle ID");
    }

    @ParameterizedTest
    @EnumSource(PushProvider.class)
    void materialThatCannotBeUsedIsUnusable(PushProvider provider) {
        ConnectionTest test = words(provider, Map.of(), new DeliveryOutcome.Rejected(Probe.CREDENTIAL_UNUSABLE));

        assertThat(test.ok()).isFalse();
        assertThat(test.outcome()).isEqualTo("unusable");
        assertThat(test.hint()).contains("Replace the credential");
    }

    @Test
    void aSandboxWithoutEmulatorIsUnusable() {
        ConnectionTest test =
                words(PushProvider.SANDBOX, Map.of(), new DeliveryOutcome.Rejected(Probe.SANDBOX_UNAVAILABLE));

        assertThat(test.outcome()).isEqualTo("unusable");
        assertThat(test.hint()).contains("pushgate.sandbox.fcm-url");
    }

    private static ConnectionTest words(PushProvider provider, Map<String, String> metadata, DeliveryOutcome outcome) {
        return ConnectionTests.words(new Probe(provider, metadata, outcome));
    }
}
