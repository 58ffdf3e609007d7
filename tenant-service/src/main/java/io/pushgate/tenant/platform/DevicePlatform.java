package io.pushgate.tenant.platform;

import java.util.Arrays;
import java.util.Optional;

/** The platforms a configuration delivers to, each with its text in the API ({@code defaultCredentials}). */
public enum DevicePlatform {
    ANDROID("android"),
    IOS("ios");

    private final String text;

    DevicePlatform(String text) {
        this.text = text;
    }

    /** The platform's text in the API and in column names ({@code default_<platform>_credential_id}). */
    public String text() {
        return text;
    }

    /** The platform named {@code text}; empty for any other text. */
    public static Optional<DevicePlatform> of(String text) {
        return Arrays.stream(values())
                .filter(platform -> platform.text.equals(text))
                .findFirst();
    }
}
