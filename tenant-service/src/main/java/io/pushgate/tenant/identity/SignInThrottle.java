package io.pushgate.tenant.identity;

import io.pushgate.tenant.limit.Admission;
import io.pushgate.tenant.limit.Band;
import io.pushgate.tenant.limit.Quota;
import io.pushgate.tenant.limit.RateLimits;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Slows down guessing: after too many failed sign-ins within the window for one account or from one
 * address, further attempts are refused. An attempt counts as a failure from the moment it is let
 * through until it succeeds, so guesses sent all at once are counted before their (slow) password
 * checks end, not after; an attempt refused for either its account or its address counts for
 * neither. A success ends its account's failures and takes back its own count from its address.
 *
 * <p>On bucket4j ({@link RateLimits}): one bucket per account and one per address, each of two bands:
 * {@code max} failures per window, the windows counted from the bucket's first attempt (refilled in
 * full as each ends); and {@code max} refilled evenly over a window (one every window/{@code max}),
 * so that the end of a window does not let a second burst through right after the first. A key
 * refused after {@code max} failures waits until its window ends (as before, for a first burst: until
 * its oldest failure leaves the window). Unlike the sliding log this replaced, a window that straddles
 * two of the key's windows may hold up to twice {@code max} failures (never more than {@code max}
 * a window on average). A bucket left alone until full is forgotten, and the next attempt starts a
 * new window. With {@code pushgate.limits.backend=redis} every instance shares the buckets; while
 * Redis does not answer each instance counts its share of them: never unlimited. Keys hold hashes,
 * never the e-mail or address itself.
 */
@Component
class SignInThrottle {

    /** The limit's name in metrics and Redis keys. */
    static final String LIMIT = "sign-in";

    private final SignInSettings settings;
    private final RateLimits limits;

    @Autowired
    SignInThrottle(SignInSettings settings, RateLimits limits) {
        this.settings = settings;
        this.limits = limits;
    }

    /** In process, on {@code clock}'s time. */
    SignInThrottle(SignInSettings settings, Clock clock) {
        this(settings, RateLimits.local(clock));
    }

    /**
     * How long the caller must wait before trying again; when zero the attempt may go on, and it is
     * counted as a failure (for the account and the address) unless {@link #succeeded} follows.
     */
    Mono<Duration> admit(String email, String address) {
        Quota account = account(email);
        Quota ip = address == null ? null : address(address);
        return limits.take(account).flatMap(forAccount -> {
            if (!forAccount.allowed()) {
                return ip == null
                        ? Mono.just(forAccount.waitTime())
                        : limits.estimate(ip).map(fromIp -> longer(forAccount, fromIp));
            }
            if (ip == null) {
                return Mono.just(Duration.ZERO);
            }
            return limits.take(ip)
                    .flatMap(fromIp -> fromIp.allowed()
                            ? Mono.just(Duration.ZERO)
                            : limits.giveBack(account).thenReturn(fromIp.waitTime()));
        });
    }

    /**
     * {@link #admit}, waiting for its answer: at once with the {@code local} backend; for callers
     * that may block (never an event-loop thread).
     */
    Duration attempt(String email, String address) {
        return admit(email, address).toFuture().join();
    }

    /**
     * The attempt let through for {@code email} from {@code address} succeeded: the account's failures
     * end, and the address gets this attempt's count back (its other failures stay). Done at once with
     * the {@code local} backend, in the background with {@code redis}.
     */
    void succeeded(String email, String address) {
        Mono<Void> address1 = address == null ? Mono.empty() : limits.giveBack(address(address));
        limits.reset(account(email)).then(address1).subscribe();
    }

    private Quota account(String email) {
        return quota("account", settings.maxFailuresPerAccount(), email);
    }

    private Quota address(String address) {
        return quota("address", settings.maxFailuresPerAddress(), address);
    }

    /** The settings are part of the key, so that changed settings never meet buckets made with others. */
    private Quota quota(String what, int max, String who) {
        Duration window = settings.window();
        return new Quota(
                LIMIT,
                what + ":" + max + "/" + window.toSeconds() + "s:" + Quota.hashed(who),
                0,
                List.of(Band.intervally(max, window), Band.greedy(max, max, window)),
                null);
    }

    private static Duration longer(Admission one, Admission other) {
        Duration a = one.waitTime();
        Duration b = other.allowed() ? Duration.ZERO : other.waitTime();
        return a.compareTo(b) >= 0 ? a : b;
    }
}
