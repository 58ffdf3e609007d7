package io.pushgate.tenant.limit;

/** Where the buckets of the limits live: {@code pushgate.limits.backend}, and the {@code backend} tag of the metrics. */
public enum LimitBackend {
    /** In process: each instance holds its own buckets (also the {@code redis} backend's fallback). */
    LOCAL("local"),
    /** In Redis, shared by every instance, through bucket4j's Lettuce proxy manager. */
    REDIS("redis");

    private final String text;

    LimitBackend(String text) {
        this.text = text;
    }

    /** The name in settings, metrics and {@code GET /v1/plan}. */
    public String text() {
        return text;
    }
}
