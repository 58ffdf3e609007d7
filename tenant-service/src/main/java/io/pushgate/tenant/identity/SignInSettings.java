package io.pushgate.tenant.identity;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sign-in throttling ({@code SignInThrottle}; in process or shared, as {@code pushgate.limits.backend} says).
 *
 * @param maxFailuresPerAccount failed sign-ins for one e-mail within {@code window} before further
 *     attempts for it answer 429
 * @param maxFailuresPerAddress failed sign-ins from one source address within {@code window}
 *     before further attempts from it answer 429
 * @param window how long a failure counts
 */
@ConfigurationProperties("pushgate.sign-in")
record SignInSettings(
        @DefaultValue("5") int maxFailuresPerAccount,
        @DefaultValue("20") int maxFailuresPerAddress,
        @DefaultValue("15m") Duration window) {}
