package io.pushgate.microbench;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushgate.api.AxpSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PreSignedCallbacksTests {

    private static final String SECRET = "aGVsbG8td29ybGQtdGhpcy1pcy0zMi1ieXRlcy1sb25n";

    @Test
    void everyLineIsSignedWithTheSecretAndNoEventIdComesTwiceAcrossTheFiles(@TempDir Path dir) throws Exception {
        Path warm = dir.resolve("warm.tsv");
        Path measured = dir.resolve("measured.tsv");
        PreSignedCallbacks.write(SECRET, warm, 0, 300);
        PreSignedCallbacks.write(SECRET, measured, 300, 200);

        List<String> lines = new ArrayList<>(Files.readAllLines(warm));
        lines.addAll(Files.readAllLines(measured));
        assertThat(lines).hasSize(500);
        JsonMapper json = JsonMapper.builder().build();
        List<String> eventIds = new ArrayList<>();
        for (String line : lines) {
            String[] parts = line.split("\t", -1);
            assertThat(parts).hasSize(2);
            JsonNode body = json.readTree(parts[1]);
            assertThat(body.propertyNames())
                    .containsExactlyInAnyOrder("eventId", "sessionId", "conversationId", "customerId", "eventDate");
            String eventId = body.get("eventId").asString();
            assertThat(AxpSignature.verify(
                            SECRET, eventId, body.get("sessionId").asString(), parts[0]))
                    .as("the X-hmac of %s", eventId)
                    .isTrue();
            eventIds.add(eventId);
        }
        assertThat(eventIds).doesNotHaveDuplicates();
    }

    @Test
    void argumentsThatAreNotPairsOfAFileAndACountAboveZeroAreRefused() {
        assertThat(PreSignedCallbacks.counts(new String[] {"a.tsv", "10", "b.tsv", "5"}))
                .containsExactly(10, 5);
        assertThat(PreSignedCallbacks.counts(new String[] {})).isNull();
        assertThat(PreSignedCallbacks.counts(new String[] {"a.tsv"})).isNull();
        assertThat(PreSignedCallbacks.counts(new String[] {"a.tsv", "ten"})).isNull();
        assertThat(PreSignedCallbacks.counts(new String[] {"a.tsv", "0"})).isNull();
        assertThat(PreSignedCallbacks.counts(new String[] {"a.tsv", "-3"})).isNull();
    }
}
