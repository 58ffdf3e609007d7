package io.pushgate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class FcmMessageTests {

    private final JsonMapper json = JsonMapper.shared();

    @Test
    void keepsTheMessageAsReceivedWhateverTheSenderOrAReaderChangesLater() {
        ObjectNode sent = (ObjectNode)
                json.readTree(
                        "{\"token\":\"t1\",\"data\":{\"eventId\":\"e-1\",\"count\":\"2\"},\"android\":{\"priority\":\"HIGH\"}}");
        FcmMessage recorded = new FcmMessage(7, "projects/p/messages/0:1", "p", "t1", null, sent, Instant.EPOCH);

        sent.put("token", "changed");
        ((ObjectNode) recorded.message()).put("token", "changed too");
        ((ObjectNode) recorded.data()).put("eventId", "changed as well");

        JsonNode message = recorded.message();
        assertThat(message.get("token").asString()).isEqualTo("t1");
        assertThat(message.path("data").path("eventId").asString()).isEqualTo("e-1");
        assertThat(message.path("data").path("count").isString()).isTrue();
        assertThat(message.path("android").path("priority").asString()).isEqualTo("HIGH");
        assertThat(recorded.data().path("eventId").asString()).isEqualTo("e-1");
        assertThat(recorded.sequence()).isEqualTo(7);
        assertThat(recorded.deviceToken()).isEqualTo("t1");
        assertThat(recorded.receivedAt()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void answersAMissingNodeForAMessageWithoutData() {
        FcmMessage recorded = new FcmMessage(
                1, "projects/p/messages/0:1", "p", null, null, json.readTree("{\"topic\":\"news\"}"), Instant.EPOCH);

        assertThat(recorded.data().isMissingNode()).isTrue();
        assertThat(recorded.deviceToken()).isNull();
    }
}
