package io.pushgate.api.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApnsCertificateSecretTests {

    @Test
    void whatIsEncodedDecodesToTheSameFileAndPassword() {
        ApnsCertificateSecret secret = new ApnsCertificateSecret(new byte[] {0, 1, 2, (byte) 0xff}, "pä:ss\nword");
        assertThat(ApnsCertificateSecret.decode(secret.encode())).isEqualTo(secret);
        assertThat(new ApnsCertificateSecret(new byte[] {1}, "").encode())
                .isNotEqualTo(new ApnsCertificateSecret(new byte[] {1}, "x").encode());
    }

    @Test
    void otherTextIsRefusedAndNothingSecretIsPrinted() {
        assertThatThrownBy(() -> ApnsCertificateSecret.decode("-----BEGIN PRIVATE KEY-----"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new ApnsCertificateSecret(new byte[] {1, 2}, "hunter2").toString())
                .doesNotContain("hunter2");
    }
}
