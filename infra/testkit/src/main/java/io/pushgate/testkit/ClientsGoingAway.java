package io.pushgate.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Clients that leave in the middle of their request's body, over a raw socket to loopback: what a
 * client library never does. With the server's log lines captured and its count of such requests read.
 */
public final class ClientsGoingAway {

    /** How long to wait for {@code 100 Continue}: a bound for a hang, not a speed. */
    private static final int READ_TIMEOUT_MS = 20_000;

    private ClientsGoingAway() {}

    /** How a client leaves a body half sent: the framing of the body, and how it ends the connection. */
    public record HalfBody(boolean chunked, boolean expectContinue, boolean reset) {

        /** Each way: {@code Content-Length} and chunked, with and without {@code 100 Continue}, closed and reset. */
        public static List<HalfBody> everyWay() {
            List<HalfBody> ways = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ways.add(new HalfBody(i % 2 == 1, i / 4 % 2 == 0, i / 2 % 2 == 1));
            }
            return ways;
        }

        @Override
        public String toString() {
            return (chunked ? "chunked" : "Content-Length")
                    + (expectContinue ? " after 100 Continue" : "")
                    + (reset ? ", then a reset" : ", then a close");
        }
    }

    /**
     * Sends {@code method path} with {@code headers}, announces {@code body} whole (its {@code
     * Content-Length}, or one chunk of its size), sends only its first half and goes away: a close
     * (FIN) or, with {@code reset}, a reset (RST: {@code SO_LINGER} 0). With {@code expectContinue}
     * it sends {@code Expect: 100-continue} and the half only after the server's {@code 100 Continue},
     * which the server sends once it reads the body: the body is then surely being read when the
     * client goes away. Returns whatever the server sent before the client left.
     */
    public static String goAwayMidBody(
            int port, String method, String path, Map<String, String> headers, byte[] body, HalfBody how)
            throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        try {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            head.append("Host: 127.0.0.1:").append(port).append("\r\n");
            headers.forEach((name, value) ->
                    head.append(name).append(": ").append(value).append("\r\n"));
            head.append(how.chunked() ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n");
            if (how.expectContinue()) {
                head.append("Expect: 100-continue\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String received = "";
            if (how.expectContinue()) {
                received = readHead(socket.getInputStream());
            }
            if (how.chunked()) {
                out.write((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.write(body, 0, body.length / 2);
            out.flush();
            return received;
        } finally {
            if (how.reset()) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        }
    }

    /**
     * Sends {@code method path} with {@code headers} and the whole of {@code body} ({@code
     * Content-Length}), then, once {@code leave} returns, goes away without reading the answer: a close
     * (FIN) or, with {@code reset}, a reset (RST).
     */
    public static void goAwayAfterBody(
            int port,
            String method,
            String path,
            Map<String, String> headers,
            byte[] body,
            boolean reset,
            Runnable leave)
            throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            head.append("Host: 127.0.0.1:").append(port).append("\r\n");
            headers.forEach((name, value) ->
                    head.append(name).append(": ").append(value).append("\r\n"));
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            leave.run();
            if (reset) {
                socket.setSoLinger(true, 0);
            }
        }
    }

    /**
     * {@code pushgate_requests_client_gone_total{route}} of the service on {@code port} (its {@code
     * /actuator/prometheus}) for {@code route}; 0 before the first.
     */
    public static double counted(int port, String route) {
        String metrics = ServiceProbes.get(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .body();
        Matcher series = Pattern.compile(
                        "(?m)^pushgate_requests_client_gone_total\\{route=\"" + Pattern.quote(route) + "\"} (\\S+)$")
                .matcher(metrics);
        return series.find() ? Double.parseDouble(series.group(1)) : 0;
    }

    /**
     * Every log line of this JVM from now until {@link #close}, with the loggers named {@code debugged}
     * at DEBUG meanwhile.
     */
    public static Logs capture(String... debugged) {
        return new Logs(debugged);
    }

    /** Captured log lines. */
    public static final class Logs implements AutoCloseable {

        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        private final Map<Logger, Level> levels = new HashMap<>();

        private Logs(String... debugged) {
            appender.start();
            for (String name : debugged) {
                Logger logger = (Logger) LoggerFactory.getLogger(name);
                levels.put(logger, logger.getLevel());
                logger.setLevel(Level.DEBUG);
            }
            root.addAppender(appender);
        }

        /** The lines so far. */
        public List<ILoggingEvent> lines() {
            synchronized (appender) {
                return List.copyOf(appender.list);
            }
        }

        @Override
        public void close() {
            root.detachAppender(appender);
            levels.forEach(Logger::setLevel);
        }
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
