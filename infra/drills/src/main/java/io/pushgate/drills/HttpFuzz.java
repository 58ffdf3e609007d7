package io.pushgate.drills;

import io.pushgate.api.AxpSignature;
import io.pushgate.api.problem.CallbackProblem;
import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.api.problem.ProblemKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An HTTP fuzzer over raw sockets to loopback: generated requests (methods, paths, bodies, headers,
 * content types, content encodings including bogus gzip, chunkings, huge and odd header values)
 * against delivery-service's callback URL ({@code POST /axp/callbacks/{callbackKey}}) and its
 * registration API ({@code /v1/device-registrations}, the Avaya aliases). Case {@code i} of seed
 * {@code s} is the same request on every run ({@link #generate}), so a failure is replayed with the
 * seed and its index.
 *
 * <p>Each answer must come within the timeout, never be a 5xx other than a 503 with {@code
 * Retry-After}, and, when it refuses ({@code 4xx}/{@code 5xx}), be {@code application/problem+json}
 * whose {@code type} is a published problem type and whose {@code status} is the answer's; a {@code
 * 413} to a chunked body must close the connection.
 */
final class HttpFuzz {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] CRLF = {'\r', '\n'};

    /** The published problem types a delivery-service answer may carry. */
    static final Set<String> PUBLISHED;

    static {
        Set<String> types = new HashSet<>();
        for (ProblemKind kind : CallbackProblem.values()) {
            types.add(kind.type().toString());
        }
        for (ProblemKind kind : DeliveryApiProblem.values()) {
            types.add(kind.type().toString());
        }
        PUBLISHED = Set.copyOf(types);
    }

    /** Where to send: delivery-service on loopback, a tenant's callback path and secret, an app's token. */
    record Target(int port, String callbackPath, String secret, String appToken, String axpConfigurationId) {}

    /** One generated request: its bytes, and what the check needs to know of it. */
    record Case(long seed, int index, String label, byte[] bytes, String method, boolean chunked) {}

    /** One answer: its status, headers (names in lower case), body, whether the server then closed. */
    record Answer(int status, Map<String, String> headers, byte[] body, long nanos) {}

    private HttpFuzz() {}

    // ---------------------------------------------------------------- generation

    private static final String[] ODD_METHODS = {
        "GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND", "post", "CONNECT", "XXXXXXXXXXXXXXXX"
    };
    private static final String[] CONTENT_TYPES = {
        "application/json",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-16",
        "application/json; charset=bogus",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "application/problem+json",
        "application/*",
        "*/*",
        ";;;",
        "application/json; a=\"unterminated",
        "application/vnd.pushgate+json",
        "",
    };
    private static final String[] ENCODINGS = {
        "gzip", "gzip-bogus", "deflate", "br", "gzip, identity", "x-garbage", "identity"
    };

    /** Case {@code index} of {@code seed}: the same bytes on every run. */
    static Case generate(long seed, int index, Target target) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        int surface = random.nextInt(100);
        String route;
        String method;
        boolean callback;
        if (surface < 55) {
            route = target.callbackPath();
            method = "POST";
            callback = true;
        } else if (surface < 63) {
            route = "/axp/callbacks/" + oddSegment(random);
            method = "POST";
            callback = true;
        } else {
            String base =
                    surface < 90 ? "/v1/device-registrations" : "/custom-notification-connector/device-registrations";
            int kind = random.nextInt(10);
            if (kind < 6) {
                route = base + "/" + deviceToken(random);
                method = "PUT";
            } else if (kind < 7) {
                route = base + "/" + deviceToken(random);
                method = "GET";
            } else if (kind < 8) {
                route = base + "/" + deviceToken(random);
                method = "DELETE";
            } else {
                route = base + ":search";
                method = "POST";
            }
            callback = false;
        }
        if (random.nextInt(100) < 8) {
            method = ODD_METHODS[random.nextInt(ODD_METHODS.length)];
        }
        if (random.nextInt(100) < 3) {
            route = route + (random.nextBoolean() ? "?" + oddSegment(random) : "/" + oddSegment(random));
        }

        String eventId = random.nextInt(10) < 8 ? "evt-" + Long.toHexString(random.nextLong()) : oddText(random, 80);
        String sessionId = random.nextInt(10) < 8 ? "ses-" + Long.toHexString(random.nextLong()) : oddText(random, 80);
        byte[] body = callback ? callbackBody(random, eventId, sessionId) : registrationBody(random, target, sessionId);
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Host", "127.0.0.1:" + target.port()});
        int type = random.nextInt(100);
        if (type < 70) {
            headers.add(new String[] {"Content-Type", "application/json"});
        } else if (type < 95) {
            headers.add(new String[] {"Content-Type", CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)]});
        }
        if (callback) {
            int signature = random.nextInt(100);
            if (signature < 55) {
                headers.add(new String[] {AxpSignature.HEADER, AxpSignature.sign(target.secret(), eventId, sessionId)});
            } else if (signature < 70) {
                headers.add(new String[] {AxpSignature.HEADER, hex(random, 64)});
            } else if (signature < 80) {
                headers.add(new String[] {AxpSignature.HEADER, oddText(random, 200)});
            } else if (signature < 85) {
                headers.add(new String[] {AxpSignature.HEADER, AxpSignature.sign(target.secret(), eventId, sessionId)});
                headers.add(new String[] {AxpSignature.HEADER, hex(random, 64)});
            }
        } else {
            int authorization = random.nextInt(100);
            if (authorization < 60) {
                headers.add(new String[] {"Authorization", "Bearer " + target.appToken()});
            } else if (authorization < 70) {
                headers.add(new String[] {"Authorization", "Bearer " + oddText(random, 300)});
            } else if (authorization < 75) {
                headers.add(new String[] {"Authorization", "Basic " + oddText(random, 40)});
            } else if (authorization < 80) {
                headers.add(new String[] {
                    "Authorization", "Bearer " + target.appToken().substring(0, 30) + "x.y.z"
                });
            }
        }
        String encoding = null;
        if (random.nextInt(100) < 12) {
            encoding = ENCODINGS[random.nextInt(ENCODINGS.length)];
            headers.add(new String[] {"Content-Encoding", encoding.equals("gzip-bogus") ? "gzip" : encoding});
            if (encoding.equals("gzip")) {
                body = gzip(body);
            } else if (encoding.equals("gzip-bogus")) {
                byte[] gz = gzip(body);
                body = random.nextBoolean()
                        ? Arrays.copyOf(gz, Math.max(1, gz.length / 2))
                        : bytes(random, 1 + random.nextInt(300));
            }
        }
        int odd = random.nextInt(100);
        String oddLabel = "";
        if (odd < 4) {
            headers.add(new String[] {"X-Huge", "a".repeat(2_000 + random.nextInt(14_000))});
            oddLabel = "+huge-header";
        } else if (odd < 8) {
            headers.add(new String[] {
                "X-Odd",
                new String(bytes(random, 40), StandardCharsets.ISO_8859_1)
                        .replace('\r', ' ')
                        .replace('\n', ' ')
            });
            oddLabel = "+odd-header";
        } else if (odd < 10) {
            for (int i = 0; i < 100 + random.nextInt(100); i++) {
                headers.add(new String[] {"X-Many-" + i, Integer.toString(i)});
            }
            oddLabel = "+many-headers";
        } else if (odd < 12) {
            headers.add(new String[] {"Expect", "100-continue"});
            oddLabel = "+expect";
        } else if (odd < 13) {
            oddLabel = "+two-lengths";
        }
        int framing = random.nextInt(100);
        boolean chunked = framing < 22 && !method.equals("GET") && !method.equals("HEAD");
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        write(request, method + " " + route + " HTTP/1.1\r\n");
        for (String[] header : headers) {
            write(request, header[0] + ": " + header[1] + "\r\n");
        }
        if (chunked) {
            if (oddLabel.equals("+two-lengths")) {
                // a length beside the chunking: the chunking wins (RFC 9112 6.3)
                write(request, "Content-Length: " + (body.length + 5) + "\r\n");
            }
            write(
                    request,
                    (framing % 5 == 0 ? "Transfer-Encoding: CHUNKED" : "Transfer-Encoding: chunked") + "\r\n\r\n");
            int at = 0;
            while (at < body.length) {
                int size =
                        Math.min(body.length - at, 1 + random.nextInt(Math.max(1, random.nextBoolean() ? 16 : 8192)));
                write(request, Integer.toHexString(size) + (framing % 7 == 0 ? ";ext=1" : "") + "\r\n");
                request.writeBytes(Arrays.copyOfRange(body, at, at + size));
                request.writeBytes(CRLF);
                at += size;
            }
            write(request, "0\r\n\r\n");
        } else {
            write(request, "Content-Length: " + body.length + "\r\n");
            if (oddLabel.equals("+two-lengths")) {
                // two lengths that disagree: a request to refuse, never to guess (RFC 9112 6.3)
                write(request, "Content-Length: " + (body.length + 1) + "\r\n");
            }
            write(request, "\r\n");
            request.writeBytes(body);
        }
        String label = method + " " + (callback ? "callback" : "registration") + (chunked ? " chunked" : "")
                + (encoding == null ? "" : " " + encoding) + " " + body.length + "B" + oddLabel;
        return new Case(seed, index, label, request.toByteArray(), method, chunked);
    }

    private static byte[] callbackBody(SplittableRandom random, String eventId, String sessionId) {
        int kind = random.nextInt(100);
        String event = "{\"eventId\":" + quote(eventId) + ",\"sessionId\":" + quote(sessionId)
                + ",\"conversationId\":\"c-1\",\"customerId\":\"cu-1\",\"eventDate\":\"2026-12-06T00:00:00.000Z\"}";
        if (kind < 40) {
            return event.getBytes(StandardCharsets.UTF_8);
        }
        if (kind < 65) {
            return mutate(random, event.getBytes(StandardCharsets.UTF_8));
        }
        if (kind < 75) {
            return bytes(random, random.nextInt(2_000));
        }
        if (kind < 80) {
            // around the 64 KiB cap
            int size = 60_000 + random.nextInt(12_000);
            StringBuilder big = new StringBuilder(
                    "{\"eventId\":" + quote(eventId) + ",\"sessionId\":" + quote(sessionId) + ",\"pad\":\"");
            while (big.length() < size) {
                big.append("abcdefghij");
            }
            return big.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
        }
        if (kind < 84) {
            int depth = 100 + random.nextInt(20_000);
            return ("{\"eventId\":" + quote(eventId) + ",\"sessionId\":" + quote(sessionId) + ",\"x\":"
                            + "[".repeat(depth) + "]".repeat(random.nextBoolean() ? depth : depth / 2) + "}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        if (kind < 88) {
            return new byte[0];
        }
        if (kind < 94) {
            return ("{\"eventId\":" + quote(eventId) + ",\"sessionId\":" + quote(sessionId) + ",\"eventDate\":"
                            + oddJsonValue(random) + ",\"" + oddText(random, 20).replace("\"", "") + "\":"
                            + oddJsonValue(random) + "}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        return oddText(random, 500).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] registrationBody(SplittableRandom random, Target target, String sessionId) {
        int kind = random.nextInt(100);
        String platform = random.nextBoolean() ? "android" : "ios";
        String registration =
                "{\"configId\":" + quote(random.nextInt(10) < 8 ? target.axpConfigurationId() : oddText(random, 40))
                        + ",\"sessionId\":" + quote(sessionId) + ",\"platform\":" + quote(platform) + ",\"provider\":"
                        + quote(platform.equals("ios") ? "apns" : "fcm") + "}";
        if (kind < 40) {
            return registration.getBytes(StandardCharsets.UTF_8);
        }
        if (kind < 70) {
            return mutate(random, registration.getBytes(StandardCharsets.UTF_8));
        }
        if (kind < 80) {
            return bytes(random, random.nextInt(2_000));
        }
        if (kind < 85) {
            return new byte[0];
        }
        if (kind < 90) {
            return ("{\"configId\":" + oddJsonValue(random) + ",\"sessionId\":" + oddJsonValue(random)
                            + ",\"platform\":" + oddJsonValue(random) + ",\"provider\":" + oddJsonValue(random)
                            + ",\"customerId\":" + oddJsonValue(random) + "}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        if (kind < 94) {
            return ("[" + "{\"a\":".repeat(1 + random.nextInt(5_000)) + "1").getBytes(StandardCharsets.UTF_8);
        }
        return ("{\"configId\":\"" + "x".repeat(70_000 + random.nextInt(10_000)) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String oddJsonValue(SplittableRandom random) {
        return switch (random.nextInt(12)) {
            case 0 -> "null";
            case 1 -> "true";
            case 2 -> "1e999";
            case 3 -> "-0";
            case 4 -> "123456789012345678901234567890";
            case 5 -> "[]";
            case 6 -> "{}";
            case 7 -> quote(oddText(random, 300));
            case 8 -> "\"\\ud800\"";
            case 9 -> quote("x".repeat(random.nextInt(5_000)));
            case 10 -> "NaN";
            default -> "\"2026-02-30T25:61:00Z\"";
        };
    }

    private static byte[] mutate(SplittableRandom random, byte[] original) {
        byte[] mutated = original.clone();
        int operation = random.nextInt(5);
        if (operation == 0) {
            return Arrays.copyOf(mutated, random.nextInt(mutated.length));
        }
        if (operation == 1) {
            for (int i = 0; i < 1 + random.nextInt(5); i++) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            return mutated;
        }
        if (operation == 2) {
            String text = new String(original, StandardCharsets.UTF_8);
            return (text.substring(0, text.length() - 1) + "," + text.substring(1)).getBytes(StandardCharsets.UTF_8);
        }
        if (operation == 3) {
            ByteArrayOutputStream twice = new ByteArrayOutputStream();
            twice.writeBytes(original);
            twice.writeBytes(original);
            return twice.toByteArray();
        }
        String text = new String(original, StandardCharsets.UTF_8);
        int at = random.nextInt(text.length());
        return (text.substring(0, at) + oddText(random, 20) + text.substring(at)).getBytes(StandardCharsets.UTF_8);
    }

    private static String oddSegment(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            case 0 -> hex(random, 1 + random.nextInt(60));
            case 1 -> "%00%ff%2e%2e%2f";
            case 2 -> "..%2F..%2Fetc%2Fpasswd";
            case 3 -> "x".repeat(1 + random.nextInt(4_000));
            case 4 -> "%E2%82%AC%F0%9F%98%80";
            default -> "k;a=b,c";
        };
    }

    private static String deviceToken(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            case 0, 1 -> hex(random, 64);
            case 2 -> "APA91b" + hex(random, 140);
            case 3 -> "x".repeat(1 + random.nextInt(5_000));
            case 4 -> "%00%0a%0d";
            default -> hex(random, 1 + random.nextInt(10));
        };
    }

    /** Text with control characters, quotes, backslashes, non-ASCII and lone surrogates. */
    private static String oddText(SplittableRandom random, int max) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(max + 1);
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(10);
            if (pick < 5) {
                text.append((char) ('a' + random.nextInt(26)));
            } else if (pick < 6) {
                text.append((char) random.nextInt(0x20));
            } else if (pick < 7) {
                text.append(random.nextBoolean() ? '"' : '\\');
            } else if (pick < 9) {
                text.append((char) (0xA0 + random.nextInt(0x2000)));
            } else {
                text.append((char) (0xD800 + random.nextInt(0x800)));
            }
        }
        return text.toString();
    }

    private static String quote(String text) {
        return JSON.writeValueAsString(text);
    }

    private static String hex(SplittableRandom random, int digits) {
        StringBuilder hex = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            hex.append(Character.forDigit(random.nextInt(16), 16));
        }
        return hex.toString();
    }

    private static byte[] bytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    // ---------------------------------------------------------------- exchange and check

    /** A keep-alive connection to the target, opened again when the server closed it. */
    static final class Connection implements AutoCloseable {
        private final int port;
        private final Duration timeout;
        private Socket socket;
        private boolean fresh;
        private Case previous;
        private Case last;

        Connection(int port, Duration timeout) {
            this.port = port;
            this.timeout = timeout;
        }

        /**
         * Sends {@code request} and reads the answer (skipping {@code 1xx}); on a connection the server had
         * closed meanwhile (nothing read on a reused one) sends it once more on a new one.
         */
        Answer exchange(Case request) throws IOException {
            previous = socket == null ? null : last;
            last = request;
            for (int attempt = 0; ; attempt++) {
                if (socket == null) {
                    socket = new Socket();
                    socket.setSoLinger(true, 0);
                    socket.setTcpNoDelay(true);
                    socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
                    socket.setSoTimeout((int) timeout.toMillis());
                    fresh = true;
                    if (attempt > 0) {
                        previous = null;
                    }
                }
                boolean wasFresh = fresh;
                fresh = false;
                long started = System.nanoTime();
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(request.bytes());
                    out.flush();
                } catch (IOException e) {
                    // the server may answer and close before it read the whole request (a 413)
                }
                try {
                    Answer answer =
                            read(socket.getInputStream(), request.method().equals("HEAD"), started);
                    if (answer == null) {
                        close();
                        if (!wasFresh && attempt == 0) {
                            continue;
                        }
                        throw new IOException("the connection closed without an answer");
                    }
                    String connection = answer.headers().getOrDefault("connection", "");
                    if (connection.equalsIgnoreCase("close")) {
                        close();
                    }
                    return answer;
                } catch (java.net.SocketException e) {
                    close();
                    if (!wasFresh && attempt == 0) {
                        continue;
                    }
                    throw e;
                }
            }
        }

        /** The case sent before the last one on this connection, or {@code null} when it went on a new one. */
        Case previous() {
            return previous;
        }

        /** Whether the server closes this connection within the timeout (an EOF or a reset). */
        boolean closedByServer() {
            if (socket == null) {
                return true;
            }
            try {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                while (in.read(buffer) >= 0) {
                    // drain whatever else comes
                }
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            } finally {
                close();
            }
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                socket = null;
            }
        }
    }

    /** Reads one answer (after any {@code 1xx}); {@code null} when the connection ends before it starts. */
    static Answer read(InputStream in, boolean head, long started) throws IOException {
        while (true) {
            String statusLine = line(in);
            if (statusLine == null) {
                return null;
            }
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP status line: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header; (header = line(in)) != null && !header.isEmpty(); ) {
                int colon = header.indexOf(':');
                if (colon > 0) {
                    headers.merge(
                            header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            header.substring(colon + 1).trim(),
                            (a, b) -> a + ", " + b);
                }
            }
            if (status >= 100 && status < 200) {
                continue;
            }
            byte[] body;
            if (head || status == 204 || status == 304) {
                body = new byte[0];
            } else if (headers.getOrDefault("transfer-encoding", "")
                    .toLowerCase(Locale.ROOT)
                    .contains("chunked")) {
                ByteArrayOutputStream chunks = new ByteArrayOutputStream();
                for (String size; (size = line(in)) != null; ) {
                    int length = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
                    if (length == 0) {
                        while (!"".equals(line(in))) {
                            // trailers
                        }
                        break;
                    }
                    chunks.writeBytes(in.readNBytes(length));
                    line(in);
                }
                body = chunks.toByteArray();
            } else if (headers.containsKey("content-length")) {
                body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            } else {
                body = in.readAllBytes();
            }
            return new Answer(status, headers, body, System.nanoTime() - started);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * The start of a failure where the HTTP server itself (Reactor Netty's decoder) refused a request
     * that is not well-formed HTTP/1.1 with a bare status and a closed connection: what the services
     * answered before {@code MalformedRequestRefusal} (api) answered such requests with a problem.
     */
    static final String TRANSPORT_REFUSAL = "transport refusal ";

    /** What is wrong with {@code answer} to {@code request}, or {@code null} when nothing is. */
    static String check(Case request, Answer answer) {
        int status = answer.status();
        if (status >= 500 && status != 503) {
            return "answered " + status;
        }
        if (status == 503 && !answer.headers().containsKey("retry-after")) {
            return "answered 503 without Retry-After";
        }
        if (status < 400) {
            return null;
        }
        String type = answer.headers().getOrDefault("content-type", "");
        if (!type.toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
            if (type.isEmpty()
                    && answer.body().length == 0
                    && "close".equalsIgnoreCase(answer.headers().get("connection"))) {
                return TRANSPORT_REFUSAL + status + " (no body, connection closed), not application/problem+json";
            }
            return "refused with " + status + " as '" + type + "', not application/problem+json";
        }
        if (request.method().equals("HEAD")) {
            return null;
        }
        JsonNode problem;
        try {
            problem = JSON.readTree(answer.body());
        } catch (RuntimeException e) {
            return "refused with " + status + " and a problem body that is not JSON";
        }
        String problemType = problem.path("type").asString("");
        if (!PUBLISHED.contains(problemType)) {
            return "refused with " + status + " and an unpublished problem type '" + problemType + "'";
        }
        if (problem.path("status").asInt() != status) {
            return "refused with " + status + " but the problem says status " + problem.path("status");
        }
        return null;
    }

    /** Counts and the first failures of a run. */
    static final class Tally {
        /** How many failures of each kind a run lists case by case (every one is counted). */
        static final int FAILURES_LISTED_PER_KIND = 50;

        final Map<Integer, AtomicInteger> statuses = new TreeMap<>();
        final Map<String, AtomicInteger> problemTypes = new TreeMap<>();
        final List<String> failures = new ArrayList<>();
        /** Failures by what went wrong (the status and the reason, without the case). */
        final Map<String, AtomicInteger> failureKinds = new TreeMap<>();

        int failed;
        int cases;
        int chunked413;
        int chunked413Closed;
        long[] nanos = new long[1024];

        synchronized void add(Case request, Answer answer, String failure) {
            add(request, answer, failure, null);
        }

        /** {@code context}, when not null, is listed with a failure (e.g. the case before it on its connection). */
        synchronized void add(Case request, Answer answer, String failure, String context) {
            cases++;
            if (answer != null) {
                statuses.computeIfAbsent(answer.status(), s -> new AtomicInteger())
                        .incrementAndGet();
                if (nanos.length <= cases) {
                    nanos = Arrays.copyOf(nanos, nanos.length * 2);
                }
                nanos[cases - 1] = answer.nanos();
                if (answer.status() >= 400 && !request.method().equals("HEAD")) {
                    try {
                        String type = JSON.readTree(answer.body()).path("type").asString("");
                        problemTypes
                                .computeIfAbsent(type.replace(ProblemKind.BASE, ""), t -> new AtomicInteger())
                                .incrementAndGet();
                    } catch (RuntimeException ignored) {
                        // counted as a failure by the check
                    }
                }
            }
            if (failure != null) {
                failed++;
                int ofKind = failureKinds
                        .computeIfAbsent(failure, f -> new AtomicInteger())
                        .incrementAndGet();
                if (ofKind <= FAILURES_LISTED_PER_KIND) {
                    failures.add("case " + request.index() + " (" + request.label() + "): " + failure
                            + (context == null ? "" : " [" + context + "]"));
                }
            }
        }

        synchronized long percentileMillis(double percentile) {
            long[] sorted = Arrays.copyOf(nanos, Math.max(0, cases));
            Arrays.sort(sorted);
            return sorted.length == 0
                    ? 0
                    : sorted[(int) Math.min(sorted.length - 1, Math.ceil(percentile * sorted.length) - 1)] / 1_000_000;
        }
    }
}
