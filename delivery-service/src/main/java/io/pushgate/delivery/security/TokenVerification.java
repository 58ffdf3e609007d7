package io.pushgate.delivery.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSecurityContextJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import io.pushgate.api.Scopes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import reactor.core.publisher.Mono;

/**
 * How a bearer token is verified, whoever issued it: a signature by a key of the issuer's JWKS with
 * an asymmetric algorithm (never {@code none}, never an HMAC), exactly the expected {@code iss}, the
 * expected audience in {@code aud}, an {@code exp} in the future and an {@code nbf} (if any) in the
 * past, within the clock skew. Scopes ({@code scope} or {@code scp}) become {@code SCOPE_*}
 * authorities.
 */
final class TokenVerification {

    /** The only scope a trusted issuer's token can carry here. */
    private static final String TRUSTED_ISSUER_SCOPE = "SCOPE_" + Scopes.REGISTRATIONS;

    /** The algorithms of tenants' issuers: RSA and EC, no HMAC (a public key must never be a secret). */
    static final List<SignatureAlgorithm> ASYMMETRIC = List.of(
            SignatureAlgorithm.RS256,
            SignatureAlgorithm.RS384,
            SignatureAlgorithm.RS512,
            SignatureAlgorithm.ES256,
            SignatureAlgorithm.ES384,
            SignatureAlgorithm.ES512,
            SignatureAlgorithm.PS256,
            SignatureAlgorithm.PS384,
            SignatureAlgorithm.PS512);

    private static final JwtGrantedAuthoritiesConverter SCOPES = new JwtGrantedAuthoritiesConverter();

    private TokenVerification() {}

    /**
     * An authentication manager for tokens of {@code issuer} signed by the keys of {@code keys}, whose
     * tenant {@code tenantOf} tells from the verified token.
     */
    static ReactiveAuthenticationManager manager(
            JwksSource keys,
            List<SignatureAlgorithm> algorithms,
            String issuer,
            String audience,
            SecuritySettings settings,
            List<OAuth2TokenValidator<Jwt>> moreRules,
            Function<Jwt, Caller> callerOf) {
        // the builder takes one algorithm; the key selector takes the whole list
        Set<JWSAlgorithm> accepted = algorithms.stream()
                .map(algorithm -> JWSAlgorithm.parse(algorithm.getName()))
                .collect(Collectors.toUnmodifiableSet());
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSource(keys::keysFor)
                .jwsAlgorithm(algorithms.get(0))
                .jwtProcessorCustomizer(processor -> processor.setJWSKeySelector(
                        new JWSVerificationKeySelector<>(accepted, new JWKSecurityContextJWKSet())))
                .build();
        JwtTimestampValidator timestamps = new JwtTimestampValidator(settings.clockSkew());
        List<OAuth2TokenValidator<Jwt>> rules = new ArrayList<>(List.of(
                timestamps,
                new JwtClaimValidator<Instant>(JwtClaimNames.EXP, exp -> exp != null),
                new JwtIssuerValidator(issuer),
                new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience))));
        rules.addAll(moreRules);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(rules));
        // a failed check names itself in error_description; keys that cannot be had make the token invalid (401)
        ReactiveJwtDecoder explained = token -> decoder.decode(token)
                .onErrorMap(JwtValidationException.class, e -> new BadJwtException(describe(e)))
                .onErrorMap(
                        e -> e instanceof BadJwtException && e.getCause() != null,
                        e -> new BadJwtException(
                                e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage()))
                .onErrorMap(
                        error -> !(error instanceof BadJwtException) && !(error instanceof JwtValidationException),
                        error -> new BadJwtException(
                                keysUnavailable(error)
                                        ? "the issuer's signing keys could not be fetched"
                                        : "the token could not be verified"));
        JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(explained);
        manager.setJwtAuthenticationConverter(jwt -> {
            Caller caller = callerOf.apply(jwt);
            Collection<GrantedAuthority> authorities = SCOPES.convert(jwt);
            if (caller.source() == Caller.Source.TRUSTED_ISSUER) {
                // a tenant's own identity provider vouches for its apps' users: it may grant them the
                // registration API, never the platform's admin scopes, whatever scopes it puts in tokens
                authorities = authorities.stream()
                        .filter(authority -> TRUSTED_ISSUER_SCOPE.equals(authority.getAuthority()))
                        .toList();
            }
            return Mono.just(new TenantAuthentication(jwt, authorities, caller));
        });
        return manager;
    }

    private static boolean keysUnavailable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof JwksFetcher.JwksUnavailableException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(JwtValidationException e) {
        return e.getErrors().stream()
                .map(error -> error.getDescription() != null ? error.getDescription() : error.getErrorCode())
                .findFirst()
                .orElse("the token is not valid");
    }

    /** Whether {@code value} is a UUID in its canonical text form. */
    static boolean isUuid(Object value) {
        if (!(value instanceof String text) || text.length() != 36) {
            return false;
        }
        try {
            return UUID.fromString(text).toString().equalsIgnoreCase(text);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
