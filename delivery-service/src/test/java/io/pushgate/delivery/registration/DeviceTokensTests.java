package io.pushgate.delivery.registration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeviceTokensTests {

    private static final String APNS = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private static final String FCM =
            "dGhpcyBpcyBub3QgYSByZWFsIHRva2Vu:APA91bHPRgkF3JUikC4ENAHEeMrd41Zxv3hVZjC9KtT8OvPVGJ-hQMRKRrZuJAEcl7B338qju59zJMjw2DELjzEvxwYv7hH5Ynpc1ODQ0aT4U4OFEeco8ohsN5PjL1iC2dNtk2BAokeMCg2ZXKqpc8FXKmhX94kIxQ";

    @Test
    void anApnsTokenIsAnEvenNumberOf64To200HexDigits() {
        assertThat(DeviceTokens.problem(APNS, PushProvider.APNS)).isNull();
        assertThat(DeviceTokens.problem(APNS.toUpperCase(), PushProvider.APNS)).isNull();
        assertThat(DeviceTokens.problem("ab".repeat(100), PushProvider.APNS)).isNull();
        assertThat(DeviceTokens.problem(APNS.substring(2), PushProvider.APNS)).isNotNull();
        assertThat(DeviceTokens.problem(APNS + "a", PushProvider.APNS)).isNotNull();
        assertThat(DeviceTokens.problem("ab".repeat(101), PushProvider.APNS)).isNotNull();
        assertThat(DeviceTokens.problem("g" + APNS.substring(1), PushProvider.APNS))
                .isNotNull();
        assertThat(DeviceTokens.problem(FCM, PushProvider.APNS)).isNotNull();
    }

    @Test
    void anFcmTokenIsBoundedAndOfTheCharactersFcmUses() {
        assertThat(DeviceTokens.problem(FCM, PushProvider.FCM)).isNull();
        assertThat(DeviceTokens.problem(APNS, PushProvider.FCM)).isNull();
        assertThat(DeviceTokens.problem("x".repeat(15), PushProvider.FCM)).isNotNull();
        assertThat(DeviceTokens.problem("x".repeat(1025), PushProvider.FCM)).isNotNull();
        assertThat(DeviceTokens.problem(FCM + "/", PushProvider.FCM)).isNotNull();
        assertThat(DeviceTokens.problem(FCM + " ", PushProvider.FCM)).isNotNull();
        assertThat(DeviceTokens.problem(FCM + "\n", PushProvider.FCM)).isNotNull();
        assertThat(DeviceTokens.problem(FCM + "é", PushProvider.FCM)).isNotNull();
    }

    @Test
    void logsShowOnlyAShortPrefixAndTheLength() {
        assertThat(DeviceTokens.fingerprint(FCM)).isEqualTo(FCM.substring(0, 8) + "…(" + FCM.length() + ")");
        assertThat(DeviceTokens.fingerprint("abcd")).isEqualTo("a…(4)");
        assertThat(DeviceTokens.fingerprint(null)).isEqualTo("-");
    }
}
