package io.pushgate.delivery.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceTest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests Spring Security's firewall refuses before any route sees them (a method it does not allow,
 * an encoded slash or NUL in the path) get a problem answer,
 * as every other refusal does — found by the HTTP fuzz drill ({@code ./pushgate drill fuzz}), which saw
 * them answered {@code 400} with no body. The request's own text never comes back in the answer.
 */
@DeliveryServiceTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RejectedRequestIntegrationTests {

    @LocalServerPort
    int port;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "TRACE /v1/device-registrations/abc HTTP/1.1\r\n",
                "PUT /v1/device-registrations/a%2Fb HTTP/1.1\r\n",
                "POST /axp/callbacks/..%2F..%2Fetc HTTP/1.1\r\n",
                "PUT /v1/device-registrations/%00 HTTP/1.1\r\n",
            })
    void aRequestTheFirewallRefusesGetsAProblem(String head) throws Exception {
        String request = head + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";

        String[] answer = exchange(request);

        assertThat(answer[0]).startsWith("HTTP/1.1 400");
        assertThat(answer[1].toLowerCase(Locale.ROOT)).contains("content-type: application/problem+json");
        JsonNode problem = JsonMapper.shared().readTree(answer[2]);
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/request-rejected");
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(answer[2]).doesNotContain("etc");
        // a control character in a header never gets this far: Reactor Netty's HTTP decoder refuses
        // the request, and MalformedRequestIntegrationTests shows its answer
    }

    /**
     * A method a registration does not take (the fuzz drill's {@code PATCH} and {@code OPTIONS} cases, on
     * the native API and the Avaya alias, with and without a body) is a 405 problem with {@code Allow};
     * it was a 404 whose problem had no {@code type} (WebFlux's own, as no route matched).
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "PATCH /v1/device-registrations/69f0a1 HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
                "OPTIONS /custom-notification-connector/device-registrations/69f0a1 HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
                "OPTIONS /v1/device-registrations/69f0a1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            })
    void aMethodARegistrationDoesNotTakeIsA405Problem(String request) throws Exception {
        String[] answer = exchange(request.replaceFirst("\r\n", "\r\nHost: 127.0.0.1\r\n"));

        assertThat(answer[0]).startsWith("HTTP/1.1 405");
        assertThat(answer[1].toLowerCase(Locale.ROOT))
                .contains("content-type: application/problem+json")
                .contains("allow: get,put,delete");
        JsonNode problem = JsonMapper.shared().readTree(answer[2]);
        assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/method-not-allowed");
        assertThat(problem.get("status").asInt()).isEqualTo(405);
    }

    /**
     * A path that no route serves, outside the API's prefixes (where no security chain answers first),
     * is a 404 {@code not-found} problem like every other refusal; it was WebFlux's own problem, with
     * no {@code type}.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "GET /nothing HTTP/1.1\r\n",
                "GET /nothing/at/all?x=1 HTTP/1.1\r\n",
                "GET /v2 HTTP/1.1\r\n",
                "POST /nothing HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
                "DELETE /axp HTTP/1.1\r\n",
            })
    void aPathNoRouteServesIsA404Problem(String head) throws Exception {
        String request = head.endsWith("\r\n\r\n") || head.endsWith("{}")
                ? head.replaceFirst("\r\n", "\r\nHost: 127.0.0.1\r\n")
                : head + "Host: 127.0.0.1\r\n\r\n";
        String[] answer = exchange(request);

        assertThat(answer[0]).startsWith("HTTP/1.1 404");
        assertThat(answer[1].toLowerCase(Locale.ROOT)).contains("content-type: application/problem+json");
        JsonNode problem = JsonMapper.shared().readTree(answer[2]);
        assertThat(problem.path("type").asString("")).isEqualTo("https://pushgate.io/problems/not-found");
        assertThat(problem.get("title").asString()).isEqualTo("No such resource");
        assertThat(problem.get("status").asInt()).isEqualTo(404);
    }

    /** The status line, the headers and the body of the answer to {@code request}. */
    private String[] exchange(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n", 2);
            int length = 0;
            for (String line : lines[1].split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            return new String[] {lines[0], lines[1], new String(in.readNBytes(length), StandardCharsets.UTF_8)};
        }
    }
}
