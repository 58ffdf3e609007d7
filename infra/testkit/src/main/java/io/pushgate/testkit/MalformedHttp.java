package io.pushgate.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Requests that are not well-formed HTTP/1.1, as raw bytes over a loopback socket (no client library
 * would send them), and the answers to them: what a service's HTTP decoder refuses before any of its
 * code sees the request.
 */
public final class MalformedHttp {

    /** How long to wait for an answer and for the close: a bound for a hang, not a speed. */
    private static final int READ_TIMEOUT_MS = 20_000;

    private static final String BASE = "https://pushgate.io/problems/";

    /** One malformed request and the answer it must get: its status and problem type. */
    public record Case(String name, String request, int status, String type) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** One answer: its status, headers (lower-case names), body, and whether the server then closed. */
    public record Answer(int status, Map<String, String> headers, String body, boolean closed) {}

    private MalformedHttp() {}

    /**
     * The requests: a control character in a header value, a NUL in one, two {@code Content-Length}s that
     * disagree ({@code 400 request-rejected}), a request line over 4 KiB ({@code 414
     * request-line-too-long}), a header block over 8 KiB ({@code 431 request-headers-too-large}); each a
     * {@code method} to {@code path} with a small JSON body.
     */
    public static List<Case> cases(String method, String path) {
        String line = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
        String body = "Content-Length: 2\r\n\r\n{}";
        return List.of(
                new Case(
                        "a control character in a header",
                        line + "X-Odd: a\u0001b\r\n" + body,
                        400,
                        "request-rejected"),
                new Case("a NUL in a header", line + "X-Odd: a\u0000b\r\n" + body, 400, "request-rejected"),
                new Case(
                        "two Content-Lengths that disagree",
                        line + "Content-Length: 3\r\n" + body,
                        400,
                        "request-rejected"),
                new Case(
                        "a request line over 4 KiB",
                        method + " " + path + "/" + "x".repeat(5_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + "Content-Type: application/json\r\n" + body,
                        414,
                        "request-line-too-long"),
                new Case(
                        "headers over 8 KiB",
                        line + "X-Huge: " + "a".repeat(16_000) + "\r\n" + body,
                        431,
                        "request-headers-too-large"));
    }

    /** The full problem type URI of a case's {@code type}. */
    public static String typeUri(Case malformed) {
        return BASE + malformed.type();
    }

    /**
     * Sends {@code requests} in turn on one connection, each after the answer to the one before, and
     * reads each answer; the last answer says whether the server then closed the connection.
     */
    public static List<Answer> exchange(int port, String... requests) throws IOException {
        List<Answer> answers = new ArrayList<>();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < requests.length; i++) {
                try {
                    out.write(requests[i].getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (SocketException e) {
                    // the server may answer and close before it read the whole request
                }
                String head = head(in);
                String[] lines = head.split("\r\n");
                int status = Integer.parseInt(lines[0].split(" ")[1]);
                Map<String, String> headers = new LinkedHashMap<>();
                for (int h = 1; h < lines.length; h++) {
                    int colon = lines[h].indexOf(':');
                    if (colon > 0) {
                        headers.put(
                                lines[h].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                lines[h].substring(colon + 1).trim());
                    }
                }
                String length = headers.get("content-length");
                String body = new String(
                        length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
                boolean closed = false;
                if (i == requests.length - 1) {
                    closed = closes(in);
                }
                answers.add(new Answer(status, headers, body, closed));
            }
        }
        return answers;
    }

    private static boolean closes(InputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException(
                        "the connection closed before an answer: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
