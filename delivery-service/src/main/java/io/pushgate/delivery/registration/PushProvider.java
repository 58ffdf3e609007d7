package io.pushgate.delivery.registration;

import java.util.Locale;
import java.util.Optional;

/**
 * Who delivers a push, by its {@linkplain #text() text}: what a registration names ({@code
 * delivery.registration.provider}: {@link #FCM} or {@link #APNS}), what a tenant's credential talks
 * to ({@code tenancy.credential.type}: any of the three), and what an attempt records.
 */
public enum PushProvider {
    /** Firebase Cloud Messaging (HTTP v1 through firebase-admin): Android apps, and iOS apps built with Firebase. */
    FCM,
    /** Apple Push Notification service (HTTP/2 through pushy): iOS apps. */
    APNS,
    /**
     * Pushgate's sandbox: the FCM emulator, standing in for FCM and APNs alike, so that a tenant can
     * try Pushgate without an account at either. A credential's provider, never a registration's.
     */
    SANDBOX;

    private final String text = name().toLowerCase(Locale.ROOT);

    /** Its text, as stored and sent: {@code fcm}, {@code apns} or {@code sandbox}. */
    public String text() {
        return text;
    }

    /** Whether a device registration may name this provider. */
    public boolean isRegistrable() {
        return this != SANDBOX;
    }

    /** Whether a credential of this provider delivers to a device registered with {@code registered}. */
    public boolean delivers(PushProvider registered) {
        return this == registered || this == SANDBOX;
    }

    /** The provider named {@code text} (in any case), or empty. */
    public static Optional<PushProvider> of(String text) {
        for (PushProvider provider : values()) {
            if (provider.text.equalsIgnoreCase(text)) {
                return Optional.of(provider);
            }
        }
        return Optional.empty();
    }
}
