package io.pushgate.delivery.warmup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code pushgate.warmup.yield-above} is a share of the machine's CPU: above 0, at most 1. */
class WarmupSettingsTests {

    @Test
    void aShareOutsideAboveZeroToOneIsRefusedWithItsName() {
        for (double share : new double[] {0, -0.1, 1.01, 50, Double.NaN}) {
            assertThatThrownBy(() -> settings(share))
                    .as("yield-above %s", share)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pushgate.warmup.yield-above");
        }
    }

    @Test
    void aShareAboveZeroUpToOneIsTaken() {
        for (double share : new double[] {0.01, 0.5, 1}) {
            assertThat(settings(share).yieldAbove()).isEqualTo(share);
        }
    }

    private static WarmupSettings settings(double yieldAbove) {
        return new WarmupSettings(true, 6000, 3000, 16, Duration.ofSeconds(60), yieldAbove);
    }
}
