package io.pushgate.testkit;

import io.pushgate.api.secret.SecretCipher;

/**
 * This run's secrets-at-rest keyset, made once per JVM: every service context of the run gets it
 * (through {@link TestPlatformInitializer}), so what one service seals another opens, as in production.
 */
public final class TestKeyset {

    private static final String JSON = SecretCipher.generateKeyset();
    private static final SecretCipher CIPHER = SecretCipher.load(JSON);

    private TestKeyset() {}

    /** The keyset as {@code pushgate.keyset} takes it. */
    public static String json() {
        return JSON;
    }

    /** A cipher over the same keyset, for a test that writes sealed rows directly. */
    public static SecretCipher cipher() {
        return CIPHER;
    }
}
