package io.pushgate.delivery.readapi;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The read API's limits ({@code pushgate.read-api.*}).
 *
 * @param timeout the longest a read may take before the caller gets a 503 to try again later
 * @param retryAfter what that 503's {@code Retry-After} says
 */
@ConfigurationProperties("pushgate.read-api")
record ReadApiSettings(
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("5s") Duration retryAfter) {}
