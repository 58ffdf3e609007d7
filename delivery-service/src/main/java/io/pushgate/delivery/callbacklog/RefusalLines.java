package io.pushgate.delivery.callbacklog;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The service log's lines of refused callbacks, thinned, so that a flood of refusals is not a flood
 * of log writes. Of one configuration's refusals with one answer (refusals no configuration was found
 * for count as one configuration), the first of each second is logged in full by the callback path;
 * the others are only counted here, and {@link #flush} logs, per configuration and answer, how many
 * were not logged one by one since the previous flush. The meters and the dashboard's rollup count
 * every refusal; accepted callbacks are always logged one by one.
 */
@Component
public class RefusalLines {

    private static final Logger log = LoggerFactory.getLogger(RefusalLines.class);

    /** A kind of refusal that has not come for this long is forgotten (its count was flushed). */
    static final Duration IDLE = Duration.ofMinutes(1);

    private final ConcurrentHashMap<Kind, Window> windows = new ConcurrentHashMap<>();

    /**
     * Whether this refusal of {@code configurationId} ({@code null}: none was found), answered with
     * {@code outcome} and {@code status}, is to be logged in full; if not, it is counted for the next
     * {@link #flush}.
     */
    public boolean logInFull(UUID configurationId, String outcome, int status) {
        return logInFull(configurationId, outcome, status, Instant.now());
    }

    boolean logInFull(UUID configurationId, String outcome, int status, Instant now) {
        long second = now.getEpochSecond();
        boolean[] inFull = {false};
        windows.compute(new Kind(configurationId, outcome, status), (kind, current) -> {
            Window window = current == null ? new Window() : current;
            inFull[0] = window.inFull(second, now);
            return window;
        });
        return inFull[0];
    }

    /** Logs the counts gathered since the last flush, one line per configuration and answer. */
    void flush(Instant now) {
        long idleBefore = now.minus(IDLE).getEpochSecond();
        for (Kind kind : windows.keySet()) {
            long[] notLogged = {0};
            Instant[] since = {null};
            // atomic per kind with logInFull's compute: no refusal is counted into a forgotten window
            windows.computeIfPresent(kind, (unused, window) -> {
                notLogged[0] = window.notLogged;
                since[0] = window.since;
                window.notLogged = 0;
                return notLogged[0] == 0 && window.second < idleBefore ? null : window;
            });
            if (notLogged[0] > 0) {
                log.info(
                        "callbacks configuration={} outcome={} status={} notLoggedOneByOne={} since={}",
                        kind.configurationId() == null ? "none" : kind.configurationId(),
                        kind.outcome(),
                        kind.status(),
                        notLogged[0],
                        since[0]);
            }
        }
    }

    private record Kind(UUID configurationId, String outcome, int status) {}

    /** Changed only inside the map's compute for its kind. */
    private static final class Window {
        /** The epoch second of the last refusal logged in full. */
        long second = Long.MIN_VALUE;

        long notLogged;
        Instant since;
        /** Whether a refusal in {@code second} is the first of its second (else it is counted). */
        boolean inFull(long second, Instant now) {
            if (this.second != second) {
                this.second = second;
                return true;
            }
            if (notLogged == 0) {
                since = now;
            }
            notLogged++;
            return false;
        }
    }
}
