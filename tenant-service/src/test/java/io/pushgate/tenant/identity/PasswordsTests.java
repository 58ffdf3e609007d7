package io.pushgate.tenant.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
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

    /** An unknown e-mail costs one real verification (against a decoy hash), so it cannot be told by time. */
    @Test
    void anUnknownAccountCostsAVerificationAndNeverMatches() {
        AtomicInteger verifications = new AtomicInteger();
        Argon2PasswordEncoder argon2 = Passwords.argon2();
        PasswordEncoder counting = new PasswordEncoder() {
            @Override
            public String encode(CharSequence password) {
                return argon2.encode(password);
            }

            @Override
            public boolean matches(CharSequence password, String hash) {
                verifications.incrementAndGet();
                return argon2.matches(password, hash);
            }
        };
        Passwords passwords = new Passwords(counting);

        assertThat(passwords.matches("a long enough password", null).block(Duration.ofSeconds(10)))
                .isFalse();
        assertThat(verifications).hasValue(1);

        // the decoy matches nothing, not even its own password
        assertThat(passwords
                        .matches("decoy password that matches nothing", null)
                        .block(Duration.ofSeconds(10)))
                .isFalse();
        String hash = passwords.hash("a long enough password").block(Duration.ofSeconds(10));
        assertThat(passwords.matches("a long enough password", hash).block(Duration.ofSeconds(10)))
                .isTrue();
        assertThat(passwords.matches("another password!", hash).block(Duration.ofSeconds(10)))
                .isFalse();
        assertThat(verifications).hasValue(4);
    }
}
