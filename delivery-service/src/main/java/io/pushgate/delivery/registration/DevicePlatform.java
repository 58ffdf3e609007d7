package io.pushgate.delivery.registration;

import java.util.Locale;
import java.util.Optional;

/** The device's operating system, as {@code delivery.registration.platform} stores it (its {@linkplain #text() text}). */
public enum DevicePlatform {
    ANDROID,
    IOS;

    private final String text = name().toLowerCase(Locale.ROOT);

    /** Its text, as stored and sent: {@code android} or {@code ios}. */
    public String text() {
        return text;
    }

    /** The platform named {@code text} (in any case), or empty. */
    public static Optional<DevicePlatform> of(String text) {
        for (DevicePlatform platform : values()) {
            if (platform.text.equalsIgnoreCase(text)) {
                return Optional.of(platform);
            }
        }
        return Optional.empty();
    }
}
