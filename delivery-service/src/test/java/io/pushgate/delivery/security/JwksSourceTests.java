package io.pushgate.delivery.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import io.pushgate.testkit.TestIssuer;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.test.StepVerifier;

class JwksSourceTests {

    @Test
    void aFloodOfForgedKeyIdsFetchesTheJwksAtMostOncePerRefreshInterval() throws ParseException {
        try (TestIssuer issuer = TestIssuer.ec()) {
            JwksSource source = source(issuer.jwksUri(), Duration.ofHours(1));

            assertThat(keys(source, issuer.token().sign())).hasSize(1);
            for (int i = 0; i < 20; i++) {
                assertThat(keys(source, issuer.token().keyId("forged-" + i).sign()))
                        .isEmpty();
            }

            assertThat(issuer.jwksRequests()).isEqualTo(1);
        }
    }

    @Test
    void fetchesAgainForTheKidOfARotatedKey() throws ParseException {
        try (TestIssuer issuer = TestIssuer.ec()) {
            JwksSource source = source(issuer.jwksUri(), Duration.ZERO);
            assertThat(keys(source, issuer.token().sign())).hasSize(1);

            issuer.rotate(false);

            List<JWK> keys = keys(source, issuer.token().sign());
            assertThat(keys).extracting(JWK::getKeyID).containsExactly(issuer.keyId());
            assertThat(issuer.jwksRequests()).isEqualTo(2);
        }
    }

    /** Never fetched, so no keys to fall back on: the token cannot be verified, and the error says why. */
    @Test
    void anUnreachableJwksFailsAsUnavailable() throws ParseException {
        TestIssuer issuer = TestIssuer.ec();
        URI gone = issuer.jwksUri();
        String token = issuer.token().sign();
        issuer.close();

        JwksSource source = source(gone, Duration.ofHours(1));

        source.keysFor(SignedJWT.parse(token))
                .as(StepVerifier::create)
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(JwksFetcher.JwksUnavailableException.class)
                        .hasMessageStartingWith("the JWKS could not be fetched"))
                .verify(Duration.ofSeconds(10));
    }

    /** Fetched once, then unreachable: the keys fetched before stay in use, and a key they lack is none. */
    @Test
    void aJwksUnreachableSinceItWasFetchedKeepsItsKeysAndYieldsNoOther() throws ParseException {
        TestIssuer issuer = TestIssuer.ec();
        JwksSource source = source(issuer.jwksUri(), Duration.ZERO);
        String known = issuer.token().sign();
        assertThat(keys(source, known)).hasSize(1);
        issuer.rotate(false);
        String rotated = issuer.token().sign();
        issuer.close();

        source.keysFor(SignedJWT.parse(rotated))
                .collectList()
                .as(StepVerifier::create)
                .expectNext(List.of())
                .verifyComplete();
        source.keysFor(SignedJWT.parse(known))
                .collectList()
                .as(StepVerifier::create)
                .assertNext(keys -> assertThat(keys).hasSize(1))
                .verifyComplete();
    }

    private static JwksSource source(URI uri, Duration refreshInterval) {
        SecuritySettings settings = new SecuritySettings(
                URI.create("http://platform.test"),
                uri,
                "pushgate",
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                refreshInterval,
                Duration.ofSeconds(3),
                DataSize.ofKilobytes(256),
                Duration.ofSeconds(60),
                true,
                List.of());
        return new JwksSource(uri, JwksFetcher.checked(settings), settings.jwksCacheTtl(), refreshInterval);
    }

    private static List<JWK> keys(JwksSource source, String token) throws ParseException {
        return source.keysFor(SignedJWT.parse(token)).collectList().block(Duration.ofSeconds(10));
    }
}
