package io.pushgate.emulator;

import java.util.Base64;

/** PEM text of DER bytes, wrapped at 64 columns as OpenSSL writes it. */
final class Pem {

    private Pem() {}

    static String encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }
}
