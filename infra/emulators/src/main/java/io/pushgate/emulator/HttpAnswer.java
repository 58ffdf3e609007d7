package io.pushgate.emulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * An HTTP answer of the emulator's server: status, content type, headers, body, and how long to hold it;
 * with {@code reset}, the server writes the status line and part of the headers only, then resets the
 * connection (a provider failing mid-response).
 */
record HttpAnswer(
        int status, String contentType, Map<String, String> headers, byte[] body, Duration delay, boolean reset) {

    static final String PROBLEM_BASE = "https://pushgate.io/problems/emulator/";

    HttpAnswer(int status, String contentType, Map<String, String> headers, byte[] body, Duration delay) {
        this(status, contentType, headers, body, delay, false);
    }

    /** The connection is reset after the first bytes of a {@code 200} answer. */
    static HttpAnswer resetMidResponse() {
        return new HttpAnswer(200, "application/json; charset=UTF-8", Map.of(), new byte[0], Duration.ZERO, true);
    }

    static HttpAnswer json(int status, Object body, JsonMapper json) {
        return new HttpAnswer(
                status, "application/json; charset=UTF-8", Map.of(), json.writeValueAsBytes(body), Duration.ZERO);
    }

    static HttpAnswer noContent() {
        return new HttpAnswer(204, null, Map.of(), new byte[0], Duration.ZERO);
    }

    /** An RFC 9457 problem of the control API; {@code type} is the last segment of its type URI. */
    static HttpAnswer problem(int status, String type, String title, String detail, JsonMapper json) {
        Map<String, Object> body =
                Map.of("type", PROBLEM_BASE + type, "title", title, "status", status, "detail", detail);
        return new HttpAnswer(
                status, "application/problem+json", Map.of(), json.writeValueAsBytes(body), Duration.ZERO);
    }

    HttpAnswer withHeader(String name, String value) {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put(name, value);
        return new HttpAnswer(status, contentType, Map.copyOf(all), body, delay, reset);
    }

    HttpAnswer delayedBy(Duration delay) {
        return new HttpAnswer(status, contentType, headers, body, delay, reset);
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
