package io.pushgate.delivery.limit;

/** Where the buckets of the limits live: {@code pushgate.limits.backend}, and the {@code backend} tag of the metrics. */
enum LimitBackend {
    /** In process: each instance holds its own buckets. */
    LOCAL("local"),
    /** In Redis, shared by every instance, through bucket4j's Lettuce proxy manager. */
    REDIS("redis");

    private final String text;

    LimitBackend(String text) {
        this.text = text;
    }

    /** The name in settings and metrics. */
    String text() {
        return text;
    }
}
