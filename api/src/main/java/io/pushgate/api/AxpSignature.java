package io.pushgate.api;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-hmac} signature AXP puts on every callback: the hex of HMAC-SHA256 keyed with the
 * configuration's secret (UTF-8) over {@code eventId} immediately followed by {@code sessionId}.
 *
 * <p>The signature covers only those two fields; everything else in the body is untrusted data.
 * {@link #verify} accepts either hex case and compares the decoded bytes in constant time.
 */
public final class AxpSignature {

    /** The HTTP header that carries the signature. Header names are case-insensitive. */
    public static final String HEADER = "X-hmac";

    private static final String ALGORITHM = "HmacSHA256";
    private static final int SIGNATURE_BYTES = 32;
    private static final HexFormat HEX = HexFormat.of();

    private AxpSignature() {}

    /** Signs as AXP does: lowercase hex, as Node's {@code digest('hex')} prints it. */
    public static String sign(String secret, String eventId, String sessionId) {
        return HEX.formatHex(mac(secret, eventId, sessionId));
    }

    /**
     * Whether {@code signature} is the signature of {@code eventId} and {@code sessionId} under
     * {@code secret}. A missing, malformed (odd length, not hex, wrong length) or wrong signature
     * is simply {@code false}.
     */
    public static boolean verify(String secret, String eventId, String sessionId, String signature) {
        byte[] presented = decode(signature);
        return presented != null && MessageDigest.isEqual(mac(secret, eventId, sessionId), presented);
    }

    /** The signature's bytes, or {@code null} when it is not 64 hex digits. */
    static byte[] decode(String signature) {
        if (signature == null || signature.length() != SIGNATURE_BYTES * 2) {
            return null;
        }
        try {
            return HEX.parseHex(signature);
        } catch (IllegalArgumentException notHex) {
            return null;
        }
    }

    private static byte[] mac(String secret, String eventId, String sessionId) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(sessionId, "sessionId");
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            mac.update(eventId.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(sessionId.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // HmacSHA256 is mandatory on every Java platform and takes keys of any length.
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
