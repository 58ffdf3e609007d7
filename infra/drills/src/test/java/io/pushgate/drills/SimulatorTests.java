package io.pushgate.drills;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SimulatorTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aVerdictSaysWhenTheEmulatorNoLongerKeptSomeOfTheRunsMessages() {
        JsonNode dropped = JSON.readTree("{\"pending\": 3, \"droppedByEmulator\": 20000}");
        JsonNode kept = JSON.readTree("{\"pending\": 3, \"droppedByEmulator\": 0}");

        assertThat(Simulator.notPushed(dropped, "3 accepted callbacks were not pushed"))
                .isEqualTo("3 accepted callbacks were not pushed (or no longer kept by the emulator, which dropped"
                        + " 20000 of the run's messages: the drill's PUSHGATE_SANDBOX_MAX_MESSAGES is too small)");
        assertThat(Simulator.notPushed(kept, "3 accepted callbacks were not pushed"))
                .isEqualTo("3 accepted callbacks were not pushed");
    }
}
