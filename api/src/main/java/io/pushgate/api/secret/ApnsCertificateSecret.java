package io.pushgate.api.secret;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * An APNs client certificate as it is sealed in {@code tenancy.credential.material_ciphertext}: the
 * {@code .p12} file and the password that opens it, in one text that tenant-service {@linkplain
 * #encode() writes} and delivery-service {@linkplain #decode reads}. Never printed.
 *
 * @param p12 the PKCS#12 file's bytes
 * @param password its password (empty when it has none)
 */
public record ApnsCertificateSecret(byte[] p12, String password) {

    private static final String P12 = "pkcs12:";
    private static final String PASSWORD = "password:";

    public ApnsCertificateSecret {
        Objects.requireNonNull(p12, "p12");
        Objects.requireNonNull(password, "password");
    }

    /** The text to seal: two lines, the file and the password, each in base64 behind its label. */
    public String encode() {
        Base64.Encoder base64 = Base64.getEncoder();
        return P12 + base64.encodeToString(p12) + "\n" + PASSWORD
                + base64.encodeToString(password.getBytes(StandardCharsets.UTF_8));
    }

    /** The certificate {@link #encode()} wrote; {@link IllegalArgumentException} for any other text. */
    public static ApnsCertificateSecret decode(String text) {
        String[] lines = text.split("\n", -1);
        if (lines.length != 2 || !lines[0].startsWith(P12) || !lines[1].startsWith(PASSWORD)) {
            throw new IllegalArgumentException("not an APNs certificate secret");
        }
        Base64.Decoder base64 = Base64.getDecoder();
        return new ApnsCertificateSecret(
                base64.decode(lines[0].substring(P12.length())),
                new String(base64.decode(lines[1].substring(PASSWORD.length())), StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ApnsCertificateSecret that
                && java.util.Arrays.equals(p12, that.p12)
                && password.equals(that.password);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(p12) + password.hashCode();
    }

    @Override
    public String toString() {
        return "ApnsCertificateSecret[" + p12.length + " bytes]";
    }
}
