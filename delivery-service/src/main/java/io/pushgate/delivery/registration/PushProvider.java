package io.pushgate.delivery.registration;

import java.util.Locale;
import java.util.Optional;

/** Who delivers to the device, as stored in {@code delivery.registration.provider}. */
public enum PushProvider {
    FCM,
    APNS;

    /** The stored and wire name: {@code fcm} or {@code apns}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<PushProvider> parse(String text) {
        for (PushProvider provider : values()) {
            if (provider.wire().equalsIgnoreCase(text)) {
                return Optional.of(provider);
            }
        }
        return Optional.empty();
    }
}
