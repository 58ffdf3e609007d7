package io.pushgate.tenant.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Slows down guessing: after too many failed sign-ins within the window for one account or from one
 * address, further attempts are refused until the oldest failure leaves the window. An attempt
 * counts as a failure from the moment it is let through until it succeeds, so guesses sent all at
 * once are counted before their (slow) password checks end, not after. In-process only (each
 * instance counts its own); a shared limit comes with bucket4j.
 */
@Component
class SignInThrottle {

    /** Keys kept at most; beyond it the map is cleared of expired entries, then of everything. */
    private static final int MAX_KEYS = 100_000;

    private final SignInSettings settings;
    private final Clock clock;
    /** Guarded by {@code this}. */
    private final Map<String, Deque<Instant>> failures = new HashMap<>();

    SignInThrottle(SignInSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * How long the caller must wait before trying again; when zero the attempt may go on, and it is
     * counted as a failure (for the account and the address) unless {@link #succeeded} follows.
     */
    synchronized Duration attempt(String email, String address) {
        Instant now = clock.instant();
        Duration account = wait("account:" + email, settings.maxFailuresPerAccount(), now);
        Duration ip = address == null ? Duration.ZERO : wait("ip:" + address, settings.maxFailuresPerAddress(), now);
        Duration wait = account.compareTo(ip) >= 0 ? account : ip;
        if (wait.isZero()) {
            if (failures.size() > MAX_KEYS) {
                failures.clear();
            }
            record("account:" + email, now);
            if (address != null) {
                record("ip:" + address, now);
            }
        }
        return wait;
    }

    /** The attempt let through for {@code email} from {@code address} succeeded: the account's failures end. */
    synchronized void succeeded(String email, String address) {
        failures.remove("account:" + email);
        Deque<Instant> fromAddress = address == null ? null : failures.get("ip:" + address);
        if (fromAddress != null) {
            fromAddress.pollLast(); // the success's own attempt; the address's failures stay
        }
    }

    private void record(String key, Instant now) {
        Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        times.addLast(now);
        while (times.size() > Math.max(settings.maxFailuresPerAccount(), settings.maxFailuresPerAddress())) {
            times.removeFirst();
        }
    }

    private Duration wait(String key, int max, Instant now) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return Duration.ZERO;
        }
        Instant windowStart = now.minus(settings.window());
        while (!times.isEmpty() && !times.peekFirst().isAfter(windowStart)) {
            times.removeFirst();
        }
        if (times.size() < max) {
            return Duration.ZERO;
        }
        // the failure that, once out of the window, leaves fewer than max
        Instant[] ordered = times.toArray(Instant[]::new);
        Instant oldestCounting = ordered[ordered.length - max];
        return Duration.between(now, oldestCounting.plus(settings.window()));
    }
}
