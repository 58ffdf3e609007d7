package io.pushgate.delivery.warmup;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The warm-up before readiness ({@code pushgate.warmup.*}).
 *
 * @param enabled whether the service warms up before it reports ready
 * @param callbacks how many synthetic signed callbacks it sends itself over loopback (through the
 *     HTTP stack, the HMAC check, the event reader and a rolled-back inbox insert)
 * @param deliveries how many synthetic notifications go through the dispatcher's statements (rolled
 *     back) and are sent through firebase-admin to a loopback FCM stand-in
 * @param concurrency how many synthetic callbacks, and sends, are in flight at once
 * @param timeout the longest the warm-up may hold readiness: then the service is ready without the rest
 * @param yieldAbove the warm-up gives way, and the service is ready without the rest, once other
 *     processes have used more than this share of the machine's CPU (above 0, at most 1) in each of
 *     {@link Warmup#BUSY_READINGS} readings a second apart; {@code 1} never gives way
 */
@ConfigurationProperties("pushgate.warmup")
record WarmupSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("6000") int callbacks,
        @DefaultValue("3000") int deliveries,
        @DefaultValue("16") int concurrency,
        @DefaultValue("60s") Duration timeout,
        @DefaultValue("0.5") double yieldAbove) {

    WarmupSettings {
        if (callbacks < 0 || deliveries < 0 || concurrency < 1) {
            throw new IllegalArgumentException(
                    "pushgate.warmup: callbacks and deliveries must not be negative, concurrency at least 1");
        }
        if (!(yieldAbove > 0 && yieldAbove <= 1)) {
            throw new IllegalArgumentException(
                    "pushgate.warmup.yield-above must be a share of the machine's CPU above 0 and at most 1, was "
                            + yieldAbove);
        }
    }
}
