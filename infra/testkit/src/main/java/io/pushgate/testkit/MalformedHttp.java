package io.pushgate.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests that are not well-formed HTTP/1.1, as raw bytes over a loopback socket (no client library
 * would send them), and the answers to them: what a service's HTTP decoder refuses before any of its
 * code sees the request.
 */
public final class MalformedHttp {

    /** How long to wait for an answer and for the close: a bound for a hang, not a speed. */
    private static final int READ_TIMEOUT_MS = 20_000;

    private static final String BASE = "https://pushgate.io/problems/";

    /** A chunk whose size is no hex number, and what would follow it. */
    public static final String BAD_CHUNK = "zz\r\n}\r\n0\r\n\r\n";

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
     * request-line-too-long}), a header block over 8 KiB ({@code 431 request-headers-too-large}), a request
     * line in HTTP/2.0 ({@code 505 http-version-not-supported}); each a {@code method} to {@code path}
     * with a small JSON body.
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
                        "request-headers-too-large"),
                new Case(
                        "an HTTP/2.0 request line",
                        method + " " + path + " HTTP/2.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                + body,
                        505,
                        "http-version-not-supported"));
    }

    /**
     * A chunked body whose framing cannot be read: a first chunk of one byte, then a chunk whose size is
     * no hex number ({@code 400 chunked-body-malformed} when the service waits for the body). {@code
     * head} is the request line and headers, each ended by CRLF, without {@code Transfer-Encoding} and
     * without the blank line that ends them.
     */
    public static Case badChunk(String head) {
        return new Case(
                "a chunk size that is no hex number",
                head + "Transfer-Encoding: chunked\r\n\r\n" + "1\r\n{\r\n" + BAD_CHUNK,
                400,
                "chunked-body-malformed");
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
                Answer answer = read(in);
                boolean closed = false;
                if (i == requests.length - 1) {
                    closed = closes(in);
                }
                answers.add(new Answer(answer.status(), answer.headers(), answer.body(), closed));
            }
        }
        return answers;
    }

    /**
     * Sends {@code request}, reads its answer, then sends {@code rest} (more of the same request's body)
     * on the same connection; the answer's {@code closed} says whether the server then closed the
     * connection without sending anything more.
     */
    public static Answer answerThenSend(int port, String request, String rest) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Answer answer = read(in);
            try {
                out.write(rest.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (SocketException e) {
                // the server may have closed already
            }
            return new Answer(answer.status(), answer.headers(), answer.body(), closes(in));
        }
    }

    /**
     * {@code pushgate_requests_refused_total} by {@code problem} (the slug, e.g. {@code
     * request-rejected}), as the service on {@code port} shows it at {@code /actuator/prometheus}.
     */
    public static Map<String, Double> refusalsCounted(int port) {
        String metrics = ServiceProbes.get(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .body();
        Matcher series = Pattern.compile("(?m)^pushgate_requests_refused_total\\{problem=\"([^\"]+)\"} (\\S+)$")
                .matcher(metrics);
        Map<String, Double> counted = new TreeMap<>();
        while (series.find()) {
            counted.put(series.group(1), Double.parseDouble(series.group(2)));
        }
        return counted;
    }

    /** By problem slug, how much each count of {@link #refusalsCounted} grew from {@code before} to {@code after}. */
    public static Map<String, Integer> added(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Integer> added = new TreeMap<>();
        after.forEach((problem, count) -> {
            int more = (int) Math.round(count - before.getOrDefault(problem, 0.0));
            if (more != 0) {
                added.put(problem, more);
            }
        });
        return added;
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

    /** One answer with a {@code Content-Length} (or none): its status, headers and body. */
    private static Answer read(InputStream in) throws IOException {
        String[] lines = head(in).split("\r\n");
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
        return new Answer(status, headers, body, false);
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
