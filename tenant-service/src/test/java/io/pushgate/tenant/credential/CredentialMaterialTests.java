package io.pushgate.tenant.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushgate.tenant.TestCredentials;
import io.pushgate.tenant.platform.ApiRejected;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class CredentialMaterialTests {

    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void anFcmServiceAccountGivesItsPublicMetadataAndAStableFingerprint() {
        String pem = TestCredentials.pem(TestCredentials.rsaKey());
        CredentialMaterial first = CredentialMaterial.fcm(TestCredentials.serviceAccountJson(pem), json);
        CredentialMaterial again = CredentialMaterial.fcm(TestCredentials.serviceAccountJson(pem), json);
        assertThat(first.metadata())
                .containsEntry("projectId", "pushgate-test")
                .containsEntry("clientEmail", "fcm@pushgate-test.iam.gserviceaccount.com")
                .containsEntry("privateKeyId", "0123456789abcdef");
        assertThat(first.fingerprint()).matches("sha256:[0-9a-f]{32}").isEqualTo(again.fingerprint());
        assertThat(first.toString()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void aServiceAccountOfAnotherTypeIsRefused() {
        String other = TestCredentials.serviceAccountJson().replace("\"service_account\"", "\"authorized_user\"");
        assertThatThrownBy(() -> CredentialMaterial.fcm(other, json))
                .isInstanceOf(ApiRejected.class)
                .satisfies(
                        e -> assertThat(((ApiRejected) e).getBody().getDetail()).contains("service_account"));
    }

    @Test
    void anApnsKeyOnP256IsAcceptedAndOtherCurvesAreNot() {
        CredentialMaterial apns = CredentialMaterial.apns(
                TestCredentials.p8Key(), "ABC123DEFG", "TEAM123456", "com.example.app", "production");
        assertThat(apns.metadata()).containsEntry("environment", "production");
        assertThatThrownBy(() -> CredentialMaterial.apns(
                        TestCredentials.pem(TestCredentials.ecKey("secp521r1")),
                        "ABC123DEFG",
                        "TEAM123456",
                        "com.example.app",
                        "production"))
                .isInstanceOf(ApiRejected.class)
                .satisfies(
                        e -> assertThat(((ApiRejected) e).getBody().getDetail()).contains("P-256"));
    }

    @Test
    void aDamagedPemIsRefusedWithoutEchoingIt() {
        String damaged = TestCredentials.p8Key().replace("M", "*");
        assertThatThrownBy(() ->
                        CredentialMaterial.apns(damaged, "ABC123DEFG", "TEAM123456", "com.example.app", "sandbox"))
                .isInstanceOf(ApiRejected.class)
                .satisfies(e ->
                        assertThat(((ApiRejected) e).getBody().getDetail()).doesNotContain(damaged.substring(30, 60)));
    }
}
