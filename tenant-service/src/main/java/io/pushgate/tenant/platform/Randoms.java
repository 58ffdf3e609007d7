package io.pushgate.tenant.platform;

import java.security.SecureRandom;
import java.util.Base64;

/** Random secrets and keys: {@link SecureRandom}, base64url without padding. */
public final class Randoms {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Randoms() {}

    /** {@code bytes} random bytes as base64url text. */
    public static String base64Url(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }
}
