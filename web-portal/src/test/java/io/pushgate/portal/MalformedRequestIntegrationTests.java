package io.pushgate.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.testkit.MalformedHttp;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
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
