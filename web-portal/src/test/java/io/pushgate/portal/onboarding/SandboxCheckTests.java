package io.pushgate.portal.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.portal.backend.Configuration;
import io.pushgate.portal.backend.Credential;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Why a test push has no way to the sandbox phone, said by the rule delivery-service applies. */
class SandboxCheckTests {

    private static final Credential APNS = credential("apns", "APNs key", Map.of("authentication", "token"));
    private static final Credential OTHER_APNS = credential("apns", "Old APNs key", Map.of());
    private static final Credential FCM = credential("fcm", "Firebase", Map.of());

    @Test
    void theTenantsOnlyCredentialAnApnsKeyAsTheIosDefaultSendsToIosOnlyNotSeveralNoneChosen() {
        Configuration configuration = configuration(null, APNS.id());

        assertThat(SandboxCheck.androidCredential(configuration, List.of(APNS))).isEmpty();
        assertThat(SandboxCheck.whyNoAndroid(configuration, List.of(APNS)))
                .doesNotContain("several")
                .contains("only credential")
                .contains("\u201cAPNs key\u201d (APNs token key)")
                .contains("iOS devices only");
    }

    @Test
    void theTenantsOnlyCredentialAnApnsKeyWithNoDefaultsSendsToIosOnly() {
        assertThat(SandboxCheck.whyNoAndroid(configuration(null, null), List.of(APNS)))
                .doesNotContain("several")
                .contains("only credential")
                .contains("iOS devices only");
    }

    @Test
    void severalCredentialsAndNoneChosenSaysSo() {
        assertThat(SandboxCheck.whyNoAndroid(configuration(null, null), List.of(APNS, FCM)))
                .contains("2 credentials")
                .contains("chooses none");
    }

    @Test
    void severalCredentialsNoAndroidDefaultAndAnApnsIosDefaultNamesBoth() {
        assertThat(SandboxCheck.whyNoAndroid(configuration(null, APNS.id()), List.of(APNS, OTHER_APNS)))
                .contains("chooses no Android credential")
                .contains("its iOS default, \u201cAPNs key\u201d")
                .doesNotContain("several");
    }

    @Test
    void noCredentialAtAll() {
        assertThat(SandboxCheck.whyNoAndroid(configuration(null, null), List.of()))
                .isEqualTo("The tenant has no credential, so no push can be sent.");
    }

    private static Configuration configuration(UUID android, UUID ios) {
        return new Configuration(
                UUID.randomUUID(),
                "App",
                "http://localhost/axp/callbacks/k",
                "axp-1",
                true,
                null,
                false,
                "PT10M",
                new Configuration.Defaults(android, ios),
                Instant.EPOCH,
                Instant.EPOCH,
                null);
    }

    private static Credential credential(String type, String name, Map<String, String> metadata) {
        return new Credential(UUID.randomUUID(), type, name, "fp", metadata, Instant.EPOCH, Instant.EPOCH);
    }
}
