package io.pushgate.portal.sandboxphone;

import java.time.Instant;
import java.util.List;

/**
 * A push as the sandbox phone shows it: the visible title and body (the configuration's template, as
 * FCM carries it to an iOS app) and the data the app reads (the AXP event's fields).
 */
record Push(String id, String title, String body, List<Field> data, Instant receivedAt) {

    /** One field of the data. */
    record Field(String name, String value) {}
}
