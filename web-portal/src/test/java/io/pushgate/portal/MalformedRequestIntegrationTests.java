package io.pushgate.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.testkit.MalformedHttp;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests that are not well-formed HTTP/1.1, which Reactor Netty's decoder refuses before Spring
 * Security's firewall or any page, get the portal's problem answer and a closed connection (without
 * it: a bare status and no body), as the services' do. Sent as raw bytes, on a new connection and on
 * one that already carried a well-formed request.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + WebPortalApplication.CONFIG_NAME)
class MalformedRequestIntegrationTests {

    @LocalServerPort
    int port;

    static Stream<MalformedHttp.Case> malformed() {
        return Stream.concat(
                MalformedHttp.cases("POST", "/sign-in").stream(),
                MalformedHttp.cases("GET", "/configurations/abc").stream());
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void aMalformedRequestGetsAProblemAndTheConnectionCloses(MalformedHttp.Case malformed) throws Exception {
        MalformedHttp.Answer answer =
                MalformedHttp.exchange(port, malformed.request()).get(0);

        assertProblem(malformed, answer);
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void onAKeptAliveConnectionTheEarlierAnswerComesFirst(MalformedHttp.Case malformed) throws Exception {
        List<MalformedHttp.Answer> answers = MalformedHttp.exchange(
                port, "GET /actuator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", malformed.request());

        assertThat(answers.get(0).status()).isEqualTo(200);
        assertThat(answers.get(0).closed()).isFalse();
        assertProblem(malformed, answers.get(1));
    }

    /**
     * A chunk the decoder cannot read while the portal waits for the body — a sign-in form of a session
     * with a CSRF token, whose {@code _csrf} field the CSRF check reads — is a problem in place of the
     * page (Reactor Netty's was a bare 400), and the connection closes.
     */
    @Test
    void aBadChunkInAFormThePortalWaitsForGetsAProblemAndTheConnectionCloses() throws Exception {
        MalformedHttp.Case malformed = MalformedHttp.badChunk("POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nCookie: " + sessionCookie() + "\r\n");

        assertProblem(
                malformed, MalformedHttp.exchange(port, malformed.request()).get(0));
    }

    /** The cookie of a new session that holds a CSRF token: the sign-in page's. */
    private String sessionCookie() {
        List<String> cookies = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                // a bound for a hang, not a speed: the first page rendered on a busy machine takes seconds
                .responseTimeout(Duration.ofSeconds(30))
                .build()
                .get()
                .uri("/sign-in")
                .exchange()
                .expectStatus()
                .isOk()
                .returnResult(String.class)
                .getResponseHeaders()
                .get("Set-Cookie");
        assertThat(cookies).as("the sign-in page starts a session").isNotEmpty();
        return cookies.stream()
                .map(cookie -> cookie.substring(0, cookie.indexOf(';')))
                .collect(Collectors.joining("; "));
    }

    private static void assertProblem(MalformedHttp.Case malformed, MalformedHttp.Answer answer) {
        assertThat(answer.status()).as(malformed.name()).isEqualTo(malformed.status());
        assertThat(answer.headers()).containsEntry("content-type", "application/problem+json");
        assertThat(answer.headers()).containsEntry("connection", "close");
        JsonNode problem = JsonMapper.shared().readTree(answer.body());
        assertThat(problem.get("type").asString()).isEqualTo(MalformedHttp.typeUri(malformed));
        assertThat(problem.get("status").asInt()).isEqualTo(malformed.status());
        assertThat(answer.body()).doesNotContain("xxxx", "aaaa", "configurations/abc");
        assertThat(answer.closed()).as("closed after the answer").isTrue();
    }
}
