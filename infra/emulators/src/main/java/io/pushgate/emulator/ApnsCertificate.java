package io.pushgate.emulator;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * An APNs client certificate as a developer downloads it from Apple and exports it from Keychain
 * Access: a {@code .p12} file (PKCS#12: the certificate with its private key) and the password it was
 * exported with. Its subject names the app's bundle id as {@code UID}, as Apple's do.
 *
 * @param topic the app's bundle id, the certificate's {@code UID}
 * @param p12 the {@code .p12} file's bytes
 * @param password the password that opens {@code p12}
 * @param certificate the client certificate inside it
 */
public record ApnsCertificate(String topic, byte[] p12, String password, X509Certificate certificate) {

    public ApnsCertificate {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(p12, "p12");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(certificate, "certificate");
    }

    /** When the certificate expires (its {@code notAfter}). */
    public Instant expiresAt() {
        return certificate.getNotAfter().toInstant();
    }

    /** The {@code .p12} file's bytes in base64, as the credentials API takes them. */
    public String p12Base64() {
        return java.util.Base64.getEncoder().encodeToString(p12);
    }

    @Override
    public String toString() {
        return "ApnsCertificate[topic=" + topic + ", expiresAt=" + expiresAt() + "]";
    }
}
