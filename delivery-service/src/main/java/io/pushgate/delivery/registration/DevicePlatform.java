package io.pushgate.delivery.registration;

import java.util.Locale;
import java.util.Optional;

/** The device's operating system, as stored in {@code delivery.registration.platform}. */
public enum DevicePlatform {
    ANDROID,
    IOS;

    /** The stored and wire name: {@code android} or {@code ios}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<DevicePlatform> parse(String text) {
        for (DevicePlatform platform : values()) {
            if (platform.wire().equalsIgnoreCase(text)) {
                return Optional.of(platform);
            }
        }
        return Optional.empty();
    }
}
