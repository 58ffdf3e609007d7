package io.pushgate.delivery.channel;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where and how the provider clients connect ({@code pushgate.providers.*}).
 *
 * @param fcmUrl FCM's HTTP v1 base URL; another address (an emulator) gets every FCM send instead
 * @param apnsServer APNs' address as {@code https://host:port}; empty: Apple's production or
 *     development host by the credential's environment
 * @param apnsTrustedCertificate PEM text (or a file path) of the certificate to trust for {@code
 *     apnsServer} instead of the system's (an emulator's self-signed one); empty: the system's
 * @param sendTimeout the longest one send may take before it counts as a transient failure
 * @param closeDelay how long a replaced or deleted credential's client stays open for the sends
 *     still using it
 * @param clientIdleTimeout a client not used this long is closed (and rebuilt when needed)
 * @param apnsEventLoopThreads the threads of the one event loop that every APNs client shares
 * @param fcmSendThreads the most threads FCM sends of this process run on, all credentials together
 *     (firebase-admin's client blocks a thread per send until FCM answers): at most this many FCM
 *     sends at once
 * @param fcmSendQueue the most FCM sends waiting for one of those threads; another answers at once
 *     as a transient failure ({@code send_queue_full}), retried later
 */
@ConfigurationProperties("pushgate.providers")
record ProviderSettings(
        @DefaultValue("https://fcm.googleapis.com") URI fcmUrl,
        URI apnsServer,
        String apnsTrustedCertificate,
        @DefaultValue("10s") Duration sendTimeout,
        @DefaultValue("30s") Duration closeDelay,
        @DefaultValue("1h") Duration clientIdleTimeout,
        @DefaultValue("2") int apnsEventLoopThreads,
        @DefaultValue("128") int fcmSendThreads,
        @DefaultValue("2000") int fcmSendQueue) {}
