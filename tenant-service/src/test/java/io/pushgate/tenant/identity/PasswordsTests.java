package io.pushgate.tenant.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Argon2id takes tens of milliseconds of CPU: never on the thread that asked, never on an event loop. */
class PasswordsTests {

    private final Passwords passwords = new Passwords();

    @Test
    void hashesAndVerifiesOnTheBoundedElasticScheduler() {
        String hash = passwords.hash("a long enough password").block(Duration.ofSeconds(10));
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");

        // subscribed from a non-blocking thread, as an event loop subscribes: the work moves off it
        String hashedOn = Mono.defer(() -> passwords.hash("another password"))
                .map(ignored -> Thread.currentThread().getName())
                .subscribeOn(Schedulers.parallel())
                .block(Duration.ofSeconds(10));
        assertThat(hashedOn).startsWith("boundedElastic-");
        String verifiedOn = Mono.defer(() -> passwords.matches("a long enough password", hash))
                .map(ignored -> Thread.currentThread().getName())
                .subscribeOn(Schedulers.parallel())
                .block(Duration.ofSeconds(10));
        assertThat(verifiedOn).startsWith("boundedElastic-");
    }

    @Test
    void anUnknownAccountCostsAVerificationAndNeverMatches() {
        assertThat(passwords.matches("a long enough password", null).block(Duration.ofSeconds(10)))
                .isFalse();
        String hash = passwords.hash("a long enough password").block(Duration.ofSeconds(10));
        assertThat(passwords.matches("a long enough password", hash).block(Duration.ofSeconds(10)))
                .isTrue();
        assertThat(passwords.matches("another password!", hash).block(Duration.ofSeconds(10)))
                .isFalse();
    }
}
