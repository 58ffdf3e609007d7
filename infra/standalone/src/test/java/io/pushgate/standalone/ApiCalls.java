package io.pushgate.standalone;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plain HTTP calls to the platform's services for the security drills: every request and answer is
 * kept ({@link #exchanges()}), so that a drill can search all it saw.
 */
final class ApiCalls {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** One request and its answer. */
    record Exchange(String method, String uri, String requestBody, int status, String contentType, String body) {

        JsonNode json() {
            return JSON.readTree(body);
        }

        String field(String name) {
            JsonNode value = json().get(name);
            if (value == null) {
                throw new AssertionError("no " + name + " in " + method + " " + uri + ": " + body);
            }
            return value.asString();
        }

        Exchange expect(int expected) {
            if (status != expected) {
                throw new AssertionError(
                        method + " " + uri + " answered " + status + " (not " + expected + "): " + body);
            }
            return this;
        }
    }

    private final List<Exchange> exchanges = new ArrayList<>();
    private Consumer<Exchange> observer = exchange -> {};

    /** Every exchange so far, in order. */
    synchronized List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    void observe(Consumer<Exchange> observer) {
        this.observer = observer;
    }

    Exchange json(String method, String uri, String bearer, Object body) {
        return send(method, uri, bearer, "application/json", body == null ? null : JSON.writeValueAsString(body));
    }

    Exchange form(String uri, String basicUser, String basicPassword, String form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                (basicUser + ":" + basicPassword).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(form));
        return record("POST", uri, form, request);
    }

    /** Sends {@code body} as it is, with {@code headers} (name, value, name, value…). */
    Exchange raw(String method, String uri, String contentType, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return record(method, uri, body, request);
    }

    Exchange send(String method, String uri, String bearer, String contentType, String body) {
        return bearer == null
                ? raw(method, uri, contentType, body)
                : raw(method, uri, contentType, body, "Authorization", "Bearer " + bearer);
    }

    private Exchange record(String method, String uri, String requestBody, HttpRequest.Builder request) {
        try {
            HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Exchange exchange = new Exchange(
                    method,
                    uri,
                    requestBody,
                    answer.statusCode(),
                    answer.headers().firstValue("Content-Type").orElse(""),
                    answer.body());
            synchronized (this) {
                exchanges.add(exchange);
            }
            observer.accept(exchange);
            return exchange;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(method + " " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> map(Object... pairs) {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
