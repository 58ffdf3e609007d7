package io.pushgate.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a raw socket to loopback, for what a client library hides: a chunked body that is
 * never ended, and whether the server closed the connection after its answer (a body left half sent:
 * {@code io.pushgate.testkit.ClientsGoingAway}).
 */
public final class RawHttp {

    /** How long to wait for the answer and for the close: a bound for a hang, not a speed. */
    private static final int READ_TIMEOUT_MS = 20_000;

    /**
     * An answer: its status, headers (lower-case names), body, and whether the server closed the
     * connection after it ({@code false}: still open when the read timed out).
     */
    public record Answer(int status, Map<String, String> headers, byte[] body, boolean closed) {}

    private RawHttp() {}

    /**
     * Sends {@code method path} with {@code headers} and a chunked body of {@code start} followed by
     * spaces, at least {@code atLeast} bytes in all, never ended (no last chunk); reads the answer and
     * then whether the connection closes.
     */
    public static Answer chunkedNeverEnded(
            int port, String method, String path, Map<String, String> headers, byte[] start, int atLeast)
            throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            StringBuilder head = requestHead(port, method, path, headers);
            head.append("Transfer-Encoding: chunked\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            chunk(out, start);
            byte[] spaces = " ".repeat(8 * 1024).getBytes(StandardCharsets.US_ASCII);
            for (int sent = start.length; sent < atLeast; sent += spaces.length) {
                chunk(out, spaces);
            }
            out.flush();

            InputStream in = socket.getInputStream();
            String answerHead = readHead(in);
            String[] lines = answerHead.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> answerHeaders = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    answerHeaders.put(
                            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
            String length = answerHeaders.get("content-length");
            byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
            boolean closed;
            try {
                closed = in.read() == -1;
            } catch (SocketTimeoutException open) {
                closed = false; // still open, waiting for more of the body
            } catch (SocketException reset) {
                closed = true; // closed with a reset: the client's unread chunks were in flight
            }
            return new Answer(status, answerHeaders, body, closed);
        }
    }

    /** The request line, {@code Host} and {@code headers}, each line ended; the caller adds the rest. */
    private static StringBuilder requestHead(int port, String method, String path, Map<String, String> headers) {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
        headers.forEach(
                (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head;
    }

    private static void chunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed before an answer: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
