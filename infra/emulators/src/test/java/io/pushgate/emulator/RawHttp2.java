package io.pushgate.emulator;

import com.eatthepath.pushy.apns.auth.AuthenticationToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * One APNs send over a TLS socket written by hand (HTTP/2 frames, HPACK literals without Huffman),
 * so a test sees the bytes the emulator answers and how the connection ends — what pushy hides (it
 * reports a reset and a clean close alike as a stream closed before its reply).
 */
final class RawHttp2 {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int SETTINGS = 0x4;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;

    /**
     * What came back for stream 1: how many whole HEADERS frames of it arrived, how many bytes after
     * the last whole frame (a frame cut short), and how reading ended ({@code null}: a clean end of
     * stream).
     */
    record Answer(int headersFrames, int trailingBytes, IOException failure) {}

    private RawHttp2() {}

    /** Sends one notification to {@code deviceToken}, signed with {@code key}; reads until the connection ends. */
    static Answer send(ApnsEmulator apns, ApnsAuthKey key, String topic, String deviceToken, String payload)
            throws GeneralSecurityException, IOException {
        try (SSLSocket socket = (SSLSocket) tls(apns).getSocketFactory().createSocket("localhost", apns.port())) {
            socket.setSoTimeout(20_000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(PREFACE);
            out.write(frame(SETTINGS, 0, 0, new byte[0]));
            String authorization = new AuthenticationToken(key.signingKey(), Instant.now())
                    .getAuthorizationHeader()
                    .toString();
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            literal(block, ":method", "POST");
            literal(block, ":scheme", "https");
            literal(block, ":path", "/3/device/" + deviceToken);
            literal(block, ":authority", "localhost");
            literal(block, "authorization", authorization);
            literal(block, "apns-topic", topic);
            out.write(frame(HEADERS, END_HEADERS, 1, block.toByteArray()));
            out.write(frame(DATA, END_STREAM, 1, payload.getBytes(StandardCharsets.UTF_8)));
            out.flush();

            ByteArrayOutputStream received = new ByteArrayOutputStream();
            IOException failure = null;
            try {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (IOException ended) {
                failure = ended;
            }
            return parse(received.toByteArray(), failure);
        }
    }

    /** The exception and its causes. */
    static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
            chain.add(cause);
        }
        return chain;
    }

    private static Answer parse(byte[] bytes, IOException failure) {
        int at = 0;
        int headers = 0;
        while (bytes.length - at >= 9) {
            int length = ((bytes[at] & 0xff) << 16) | ((bytes[at + 1] & 0xff) << 8) | (bytes[at + 2] & 0xff);
            int type = bytes[at + 3] & 0xff;
            int stream = ((bytes[at + 5] & 0x7f) << 24)
                    | ((bytes[at + 6] & 0xff) << 16)
                    | ((bytes[at + 7] & 0xff) << 8)
                    | (bytes[at + 8] & 0xff);
            if (bytes.length - at - 9 < length) {
                break;
            }
            if (type == HEADERS && stream == 1) {
                headers++;
            }
            at += 9 + length;
        }
        return new Answer(headers, bytes.length - at, failure);
    }

    private static SSLContext tls(ApnsEmulator apns) throws GeneralSecurityException, IOException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("emulator", apns.serverCertificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        byte[] frame = new byte[9 + payload.length];
        frame[0] = (byte) (payload.length >>> 16);
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) payload.length;
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        frame[5] = (byte) (stream >>> 24);
        frame[6] = (byte) (stream >>> 16);
        frame[7] = (byte) (stream >>> 8);
        frame[8] = (byte) stream;
        System.arraycopy(payload, 0, frame, 9, payload.length);
        return frame;
    }

    /** An HPACK literal header field without indexing, new name, no Huffman coding (RFC 7541, 6.2.2). */
    private static void literal(ByteArrayOutputStream block, String name, String value) {
        block.write(0x00);
        string(block, name.getBytes(StandardCharsets.US_ASCII));
        string(block, value.getBytes(StandardCharsets.US_ASCII));
    }

    private static void string(ByteArrayOutputStream block, byte[] text) {
        int length = text.length;
        if (length < 127) {
            block.write(length);
        } else {
            block.write(127);
            length -= 127;
            while (length >= 128) {
                block.write((length & 0x7f) | 0x80);
                length >>>= 7;
            }
            block.write(length);
        }
        block.write(text, 0, text.length);
    }
}
