package io.pushgate.delivery.limit;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What an instance says about its switches between Redis and its local fallback, so that a Redis that
 * flaps (under CPU saturation, about once a second) does not fill the log: a fall after a quiet
 * {@code period} is said at once, and so is the return that ends it; further switches are counted,
 * and said in one summary line at most once per {@code period}, once it has passed.
 */
final class SwitchLog {

    /** What to log now. */
    record Line(Kind kind, int falls, int returns) {
        static final Line NONE = new Line(Kind.NONE, 0, 0);
    }

    enum Kind {
        NONE,
        FELL,
        RETURNED,
        SUMMARY
    }

    private final long periodNanos;
    private final AtomicBoolean pending = new AtomicBoolean();
    private boolean logged;
    private long lastLine;
    private boolean fallSaid;
    private int falls;
    private int returns;

    SwitchLog(long periodNanos) {
        this.periodNanos = periodNanos;
    }

    /** The instance fell back to its local buckets at {@code now} (System.nanoTime). */
    synchronized Line fell(long now) {
        if (falls == 0 && returns == 0 && (!logged || now - lastLine >= periodNanos)) {
            said(now);
            fallSaid = true;
            return new Line(Kind.FELL, 1, 0);
        }
        falls++;
        pending.set(true);
        return summary(now);
    }

    /** The instance went back to Redis at {@code now}. */
    synchronized Line returned(long now) {
        if (fallSaid) {
            fallSaid = false;
            said(now);
            return new Line(Kind.RETURNED, 0, 1);
        }
        returns++;
        pending.set(true);
        return summary(now);
    }

    /** The summary of the switches not said yet, once {@code period} has passed since the last line. */
    Line due(long now) {
        if (!pending.get()) {
            return Line.NONE;
        }
        synchronized (this) {
            return summary(now);
        }
    }

    private Line summary(long now) {
        if ((falls == 0 && returns == 0) || now - lastLine < periodNanos) {
            return Line.NONE;
        }
        Line line = new Line(Kind.SUMMARY, falls, returns);
        falls = 0;
        returns = 0;
        pending.set(false);
        said(now);
        return line;
    }

    private void said(long now) {
        logged = true;
        lastLine = now;
    }
}
