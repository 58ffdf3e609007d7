package io.pushgate.delivery.registration;

import java.util.Locale;
import java.util.Optional;

/** The device's operating system, as {@code delivery.registration.platform} stores it (the {@linkplain #wire() wire name}). */
public enum DevicePlatform {
    ANDROID,
    IOS;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The stored and wire name: {@code android} or {@code ios}. */
    public String wire() {
        return wire;
    }

    /** The platform named {@code text} (in any case), or empty. */
    public static Optional<DevicePlatform> parse(String text) {
        for (DevicePlatform platform : values()) {
            if (platform.wire.equalsIgnoreCase(text)) {
                return Optional.of(platform);
            }
        }
        return Optional.empty();
    }
}
