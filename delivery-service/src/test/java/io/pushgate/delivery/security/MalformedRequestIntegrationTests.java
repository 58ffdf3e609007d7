package io.pushgate.delivery.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.delivery.DeliveryServiceTest;
import io.pushgate.delivery.TestConfigurations;
import io.pushgate.testkit.MalformedHttp;
import io.pushgate.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests that are not well-formed HTTP/1.1, which Reactor Netty's decoder refuses before the
 * firewall or any route, get a problem answer and a closed connection — the HTTP fuzz drill ({@code
 * ./pushgate drill fuzz}) saw them answered with a bare status and no body. Sent as raw bytes, on a new
 * connection and on one that already carried a well-formed request.
 */
@DeliveryServiceTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MalformedRequestIntegrationTests {

    @LocalServerPort
    int port;

    static Stream<MalformedHttp.Case> malformed() {
        return Stream.concat(
                MalformedHttp.cases("POST", "/axp/callbacks/no-such-key").stream(),
                MalformedHttp.cases("PUT", "/v1/device-registrations/abc").stream());
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
     * A chunk the decoder cannot read while the service waits for the body (a known callback key and a
     * well-formed {@code X-hmac}: the signature is checked over the body) is a problem in place of the
     * service's answer (Reactor Netty's was a bare 400), and the connection closes.
     */
    @Test
    void aBadChunkInABodyTheServiceWaitsForGetsAProblemAndTheConnectionCloses() throws Exception {
        MalformedHttp.Case malformed = MalformedHttp.badChunk("POST /axp/callbacks/" + knownCallbackKey()
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-hmac: " + "0".repeat(64)
                + "\r\n");

        assertProblem(
                malformed, MalformedHttp.exchange(port, malformed.request()).get(0));
    }

    /**
     * A chunk the decoder cannot read after the service answered (an unknown callback key is refused
     * before its body is read) closes the connection without a second answer: Reactor Netty wrote its
     * bare 400 behind the answer, which a client would take for the answer to its next request.
     */
    @Test
    void aBadChunkAfterTheAnswerClosesTheConnectionWithoutASecondAnswer() throws Exception {
        MalformedHttp.Answer answer = MalformedHttp.answerThenSend(
                port,
                "POST /axp/callbacks/no-such-key HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "X-hmac: " + "0".repeat(64) + "\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n",
                MalformedHttp.BAD_CHUNK);

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.closed()).as("closed, nothing sent after the answer").isTrue();
    }

    /**
     * Each refusal is counted once in {@code pushgate_requests_refused_total{problem}} by its problem's
     * slug — the decoder's (every malformed request above, and a bad chunk in a body the service waits
     * for) and the firewall's ({@code TRACE}) — so that an operator sees them; none is logged.
     */
    @Test
    void eachRefusalIsCountedOnceByItsProblem() throws Exception {
        List<MalformedHttp.Case> sent = new ArrayList<>(MalformedHttp.cases("POST", "/axp/callbacks/no-such-key"));
        sent.add(MalformedHttp.badChunk("POST /axp/callbacks/" + knownCallbackKey()
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-hmac: " + "0".repeat(64)
                + "\r\n"));
        sent.add(new MalformedHttp.Case(
                "a method the firewall refuses",
                "TRACE /v1/device-registrations/abc HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                400,
                "request-rejected"));
        Map<String, Integer> expected = new TreeMap<>();
        sent.forEach(malformed -> expected.merge(malformed.type(), 1, Integer::sum));
        Map<String, Double> before = MalformedHttp.refusalsCounted(port);

        for (MalformedHttp.Case malformed : sent) {
            MalformedHttp.Answer answer =
                    MalformedHttp.exchange(port, malformed.request()).get(0);
            assertThat(answer.status()).as(malformed.name()).isEqualTo(malformed.status());
        }

        Map<String, Double> after = MalformedHttp.refusalsCounted(port);
        assertThat(after.keySet())
                .as("every kind counted from 0 on")
                .containsAll(List.of(
                        "request-rejected",
                        "request-line-too-long",
                        "request-headers-too-large",
                        "chunked-body-malformed",
                        "http-version-not-supported"));
        assertThat(MalformedHttp.added(before, after)).isEqualTo(expected);
    }

    private static String knownCallbackKey() throws SQLException {
        try (Connection connection = TestDatabase.get().connect()) {
            return TestConfigurations.configuration().insert(connection).callbackKey();
        }
    }

    private static void assertProblem(MalformedHttp.Case malformed, MalformedHttp.Answer answer) {
        assertThat(answer.status()).as(malformed.name()).isEqualTo(malformed.status());
        assertThat(answer.headers()).containsEntry("content-type", "application/problem+json");
        assertThat(answer.headers()).containsEntry("connection", "close");
        JsonNode problem = JsonMapper.shared().readTree(answer.body());
        assertThat(problem.get("type").asString()).isEqualTo(MalformedHttp.typeUri(malformed));
        assertThat(problem.get("status").asInt()).isEqualTo(malformed.status());
        assertThat(answer.body()).doesNotContain("xxxx", "aaaa", "no-such-key");
        assertThat(answer.closed()).as("closed after the answer").isTrue();
    }
}
