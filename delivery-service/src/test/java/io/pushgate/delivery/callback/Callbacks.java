package io.pushgate.delivery.callback;

import io.pushgate.api.AxpSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Sends callbacks over real HTTP/1.1, as AXP does, with whatever headers and body a test wants. */
final class Callbacks {

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String baseUrl;

    Callbacks(int port) {
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    HttpResponse<String> post(
            String callbackKey, String contentType, String signatureHeader, String signature, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/axp/callbacks/" + callbackKey))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (signature != null) {
            request.header(signatureHeader, signature);
        }
        return send(request.build());
    }

    /** Posts {@code body} chunked, without a {@code Content-Length}: the server learns its size only by reading. */
    HttpResponse<String> postChunked(
            String callbackKey, String signature, java.util.function.Supplier<java.io.InputStream> body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/axp/callbacks/" + callbackKey))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header(AxpSignature.HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofInputStream(body))
                .build());
    }

    HttpResponse<String> post(String callbackKey, String signature, String json) {
        return post(
                callbackKey, "application/json", AxpSignature.HEADER, signature, json.getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build());
    }

    /** {@code GET path} with {@code bearer} as its token. */
    HttpResponse<String> get(String path, String bearer) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + bearer)
                .GET()
                .build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
