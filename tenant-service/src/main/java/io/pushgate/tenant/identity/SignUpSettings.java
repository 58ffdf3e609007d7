package io.pushgate.tenant.identity;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The sign-up limit per client address (in process or shared, as {@code pushgate.limits.backend} says).
 *
 * @param maxPerAddress sign-ups one address may attempt at once; beyond it {@code POST /v1/signup}
 *     answers 429 until the address has one again
 * @param window the time in which an address gets {@code maxPerAddress} attempts back (evenly: one
 *     every {@code window / maxPerAddress})
 */
@ConfigurationProperties("pushgate.sign-up")
record SignUpSettings(
        @DefaultValue("10") int maxPerAddress,
        @DefaultValue("1h") Duration window) {

    SignUpSettings {
        if (maxPerAddress < 1) {
            throw new IllegalArgumentException("pushgate.sign-up.max-per-address must be at least 1");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("pushgate.sign-up.window must be positive");
        }
    }
}
