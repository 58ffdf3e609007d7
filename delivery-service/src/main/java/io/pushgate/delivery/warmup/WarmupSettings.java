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
 */
@ConfigurationProperties("pushgate.warmup")
record WarmupSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("6000") int callbacks,
        @DefaultValue("3000") int deliveries,
        @DefaultValue("16") int concurrency,
        @DefaultValue("60s") Duration timeout) {

    WarmupSettings {
        if (callbacks < 0 || deliveries < 0 || concurrency < 1) {
            throw new IllegalArgumentException(
                    "pushgate.warmup: callbacks and deliveries must not be negative, concurrency at least 1");
        }
    }
}
