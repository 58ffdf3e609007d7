package io.pushgate.emulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** An HTTP answer of the emulator's server: status, content type, headers, body, and how long to hold it. */
record HttpAnswer(int status, String contentType, Map<String, String> headers, byte[] body, Duration delay) {

    static final String PROBLEM_BASE = "https://pushgate.io/problems/emulator/";

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
        return new HttpAnswer(status, contentType, Map.copyOf(all), body, delay);
    }

    HttpAnswer delayedBy(Duration delay) {
        return new HttpAnswer(status, contentType, headers, body, delay);
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
