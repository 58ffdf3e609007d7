package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.testkit.MalformedHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests that are not well-formed HTTP/1.1, which Reactor Netty's decoder refuses before the
 * firewall or any route, get a problem answer and a closed connection, as in delivery-service (where
 * the HTTP fuzz drill, {@code ./pushgate drill fuzz}, saw them answered with a bare status and no body). Sent as raw bytes, on a new
 * connection and on one that already carried a well-formed request.
 */
@ControlPlaneTest
class MalformedRequestIntegrationTests {

    @Autowired
    Api api;

    static Stream<MalformedHttp.Case> malformed() {
        return Stream.concat(
                MalformedHttp.cases("POST", "/v1/auth/login").stream(),
                MalformedHttp.cases("PUT", "/v1/configurations/no-such-key").stream());
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void aMalformedRequestGetsAProblemAndTheConnectionCloses(MalformedHttp.Case malformed) throws Exception {
        MalformedHttp.Answer answer =
                MalformedHttp.exchange(api.port(), malformed.request()).get(0);

        assertProblem(malformed, answer);
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void onAKeptAliveConnectionTheEarlierAnswerComesFirst(MalformedHttp.Case malformed) throws Exception {
        List<MalformedHttp.Answer> answers = MalformedHttp.exchange(
                api.port(), "GET /actuator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", malformed.request());

        assertThat(answers.get(0).status()).isEqualTo(200);
        assertThat(answers.get(0).closed()).isFalse();
        assertProblem(malformed, answers.get(1));
    }

    /**
     * A chunk the decoder cannot read while the service waits for the body (a sign-in's) is a problem in
     * place of the service's answer (Reactor Netty's was a bare 400), and the connection closes.
     */
    @Test
    void aBadChunkInABodyTheServiceWaitsForGetsAProblemAndTheConnectionCloses() throws Exception {
        MalformedHttp.Case malformed = MalformedHttp.badChunk(
                "POST /v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n");

        assertProblem(
                malformed,
                MalformedHttp.exchange(api.port(), malformed.request()).get(0));
    }

    /**
     * Each refusal is counted once in {@code pushgate_requests_refused_total{problem}} by its problem's
     * slug — the decoder's (every malformed request above, a bad chunk in a sign-in) and the
     * firewall's ({@code TRACE}) — so that an operator sees them; none is logged.
     */
    @Test
    void eachRefusalIsCountedOnceByItsProblem() throws Exception {
        List<MalformedHttp.Case> sent = new ArrayList<>(MalformedHttp.cases("POST", "/v1/auth/login"));
        sent.add(MalformedHttp.badChunk(
                "POST /v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"));
        sent.add(new MalformedHttp.Case(
                "a method the firewall refuses",
                "TRACE /v1/configurations HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                400,
                "request-rejected"));
        Map<String, Integer> expected = new TreeMap<>();
        sent.forEach(malformed -> expected.merge(malformed.type(), 1, Integer::sum));
        Map<String, Double> before = MalformedHttp.refusalsCounted(api.port());

        for (MalformedHttp.Case malformed : sent) {
            MalformedHttp.Answer answer =
                    MalformedHttp.exchange(api.port(), malformed.request()).get(0);
            assertThat(answer.status()).as(malformed.name()).isEqualTo(malformed.status());
        }

        assertThat(MalformedHttp.added(before, MalformedHttp.refusalsCounted(api.port())))
                .isEqualTo(expected);
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
