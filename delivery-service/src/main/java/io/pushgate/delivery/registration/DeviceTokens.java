package io.pushgate.delivery.registration;

/**
 * Plausibility checks of device tokens, per provider, without regular expressions: an APNs token is
 * the hex of the bytes APNs issued (64 hex digits today; 64–200, even); an FCM registration token is
 * 16–1024 characters of {@code [A-Za-z0-9_:.-]} (base64url with the separators FCM uses).
 */
final class DeviceTokens {

    static final int APNS_MIN = 64;
    static final int APNS_MAX = 200;
    static final int FCM_MIN = 16;
    static final int FCM_MAX = 1024;

    private DeviceTokens() {}

    /** Why {@code token} cannot be a token of {@code provider}, or {@code null} when it can. */
    static String problem(String token, PushProvider provider) {
        return switch (provider) {
            case APNS ->
                isApns(token)
                        ? null
                        : "an APNs device token is " + APNS_MIN + "–" + APNS_MAX + " hex digits (an even number)";
            // the sandbox takes FCM's tokens (no registration names it: see PushProvider.isRegistrable)
            case FCM, SANDBOX ->
                isFcm(token)
                        ? null
                        : "an FCM registration token is " + FCM_MIN + "–" + FCM_MAX
                                + " characters of A-Z, a-z, 0-9, '_', ':', '.', '-'";
        };
    }

    /** Whether {@code token} is plausible for some provider (for look-ups, where the provider is not known). */
    static boolean isPlausible(String token) {
        return isApns(token) || isFcm(token);
    }

    static boolean isApns(String token) {
        int length = token.length();
        if (length < APNS_MIN || length > APNS_MAX || length % 2 != 0) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = token.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    static boolean isFcm(String token) {
        int length = token.length();
        if (length < FCM_MIN || length > FCM_MAX) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = token.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == ':'
                    || c == '.'
                    || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** A device token as logs may show it: its first 8 characters and its length, never the whole. */
    static String fingerprint(String token) {
        if (token == null) {
            return "-";
        }
        int shown = Math.min(8, token.length() / 4);
        StringBuilder prefix = new StringBuilder(shown);
        for (int i = 0; i < shown; i++) {
            char c = token.charAt(i);
            prefix.append(c >= 0x21 && c <= 0x7e ? c : '?');
        }
        return prefix + "…(" + token.length() + ")";
    }
}
