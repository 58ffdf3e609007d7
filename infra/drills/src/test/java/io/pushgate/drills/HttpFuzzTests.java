package io.pushgate.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fuzzer's generator replays a case from its seed and index, and its check refuses what it must. */
class HttpFuzzTests {

    private static final HttpFuzz.Target TARGET =
            new HttpFuzz.Target(8080, "/axp/callbacks/key", "secret", "a.b.c-token-of-thirty-chars-or-more", "cfg");

    @Test
    void aCaseIsTheSameBytesForTheSameSeedAndIndex() {
        for (int index = 0; index < 200; index++) {
            assertThat(HttpFuzz.generate(42, index, TARGET).bytes())
                    .isEqualTo(HttpFuzz.generate(42, index, TARGET).bytes());
        }
    }

    @Test
    void casesVaryAcrossIndexesAndSeeds() {
        Set<String> labels = new HashSet<>();
        Set<String> firstLines = new HashSet<>();
        for (int index = 0; index < 2_000; index++) {
            HttpFuzz.Case generated = HttpFuzz.generate(7, index, TARGET);
            labels.add(generated.label().replaceAll("\\d+B", ""));
            firstLines.add(new String(generated.bytes(), 0, 12, StandardCharsets.ISO_8859_1));
        }
        assertThat(labels).hasSizeGreaterThan(40);
        assertThat(firstLines).anyMatch(line -> line.startsWith("PUT /v1/"));
        assertThat(labels).anyMatch(label -> label.contains("chunked"));
        assertThat(labels).anyMatch(label -> label.contains("gzip"));
        assertThat(labels).anyMatch(label -> label.contains("huge-header"));
        assertThat(HttpFuzz.generate(7, 0, TARGET).bytes())
                .isNotEqualTo(HttpFuzz.generate(8, 0, TARGET).bytes());
    }

    @Test
    void theCheckRefusesA500AProblemlessRefusalAndAnUnpublishedType() throws Exception {
        HttpFuzz.Case post = HttpFuzz.generate(1, 0, TARGET);

        assertThat(HttpFuzz.check(post, answer("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n")))
                .contains("500");
        assertThat(HttpFuzz.check(post, answer("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")))
                .contains("not application/problem+json");
        assertThat(HttpFuzz.check(post, answer(problem(400, "https://example.com/mine"))))
                .contains("unpublished");
        assertThat(HttpFuzz.check(post, answer("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")))
                .contains("Retry-After");
        assertThat(HttpFuzz.check(post, answer("HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}")))
                .isNull();
    }

    @Test
    void everyPublishedTypeIsAccepted() throws Exception {
        HttpFuzz.Case post = HttpFuzz.generate(1, 0, TARGET);
        for (String type : HttpFuzz.PUBLISHED) {
            assertThat(HttpFuzz.check(post, answer(problem(404, type)))).isNull();
        }
    }

    @Test
    void aChunkedAnswerIsRead() throws Exception {
        HttpFuzz.Answer answer = answer(
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(new String(answer.body(), StandardCharsets.US_ASCII)).isEqualTo("abcde");
        assertThat(answer.headers()).containsEntry("transfer-encoding", "chunked");
    }

    /** Every kind of failure is listed (up to its cap), not only the first kinds met, with its context. */
    @Test
    void theTallyListsEachKindOfFailureWithItsContext() {
        HttpFuzz.Tally tally = new HttpFuzz.Tally();
        for (int i = 0; i < 300; i++) {
            tally.add(HttpFuzz.generate(1, i, TARGET), null, "common");
        }
        tally.add(HttpFuzz.generate(1, 300, TARGET), null, "rare", "after case 299 on its connection");

        assertThat(tally.failed).isEqualTo(301);
        assertThat(tally.failures).filteredOn(line -> line.endsWith("common")).hasSize(50);
        assertThat(tally.failures)
                .anyMatch(line ->
                        line.startsWith("case 300 ") && line.endsWith("rare [after case 299 on its connection]"));
    }

    private static String problem(int status, String type) {
        String body = "{\"type\":\"" + type + "\",\"title\":\"t\",\"status\":" + status + "}";
        return "HTTP/1.1 " + status + " X\r\nContent-Type: application/problem+json\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body;
    }

    private static HttpFuzz.Answer answer(String raw) throws Exception {
        return HttpFuzz.read(
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), false, System.nanoTime());
    }
}
