package io.pushgate.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmulatorsOptionsTests {

    @Test
    void defaultsThenEnvironmentThenArguments() {
        assertThat(EmulatorsOptions.parse(new String[0], Map.of()))
                .isEqualTo(new EmulatorsOptions("127.0.0.1", 9090, 9443, "io.pushgate.sandbox", Path.of("emulators")));
        assertThat(EmulatorsOptions.parse(
                        new String[] {"--apns-port=0", "--out=/tmp/e"},
                        Map.of("PUSHGATE_FCM_EMULATOR_PORT", "7000", "PUSHGATE_APNS_EMULATOR_PORT", "7001")))
                .isEqualTo(new EmulatorsOptions("127.0.0.1", 7000, 0, "io.pushgate.sandbox", Path.of("/tmp/e")));
    }

    @Test
    void refusesWhatItDoesNotUnderstand() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EmulatorsOptions.parse(new String[] {"--fcm-port=http"}, Map.of()))
                .withMessageContaining("fcm-port");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EmulatorsOptions.parse(new String[] {"--apns-port=70000"}, Map.of()));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EmulatorsOptions.parse(new String[] {"--colour=red"}, Map.of()))
                .withMessageContaining("--colour");
        assertThatIllegalArgumentException().isThrownBy(() -> EmulatorsOptions.parse(new String[] {"fcm"}, Map.of()));
    }
}
