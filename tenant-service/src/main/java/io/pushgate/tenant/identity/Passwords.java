package io.pushgate.tenant.identity;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Argon2id with OWASP's parameters (19 MiB, 2 iterations, parallelism 1), hashed and verified on
 * the bounded-elastic scheduler, never on the event loop.
 */
@Component
class Passwords {

    private final PasswordEncoder encoder;
    /** Verified against when the e-mail is unknown, so that both failures take the same time. */
    private final String decoy;

    Passwords() {
        this(argon2());
    }

    Passwords(PasswordEncoder encoder) {
        this.encoder = encoder;
        this.decoy = encoder.encode("decoy password that matches nothing");
    }

    /** Argon2id with OWASP's parameters: 16-byte salt, 32-byte hash, parallelism 1, 19 MiB, 2 iterations. */
    static Argon2PasswordEncoder argon2() {
        return new Argon2PasswordEncoder(16, 32, 1, 19 * 1024, 2);
    }

    Mono<String> hash(String password) {
        return Mono.fromCallable(() -> encoder.encode(password)).subscribeOn(Schedulers.boundedElastic());
    }

    /** Whether {@code password} matches {@code hash}; a null hash costs one verification and never matches. */
    Mono<Boolean> matches(String password, String hash) {
        return Mono.fromCallable(() -> {
                    boolean matches = encoder.matches(password, hash == null ? decoy : hash);
                    return hash != null && matches;
                })
                .subscribeOn(Schedulers.boundedElastic());
    }
}
