package io.pushgate.tenant.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.pushgate.api.Scopes;
import io.pushgate.tenant.platform.PlatformSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Issues platform JWTs (ES256). Claims: {@code iss} (= {@code pushgate.issuer}), {@code sub},
 * {@code aud}, {@code exp}, {@code iat}, {@code jti}, {@code scope} (space-separated) and
 * {@code tenant_id}; a member's token also {@code member_id} and {@code role}, an app client's
 * {@code client_id}.
 */
@Component
public class TokenIssuer {

    /** A signed token and how long it is valid. */
    public record IssuedToken(String value, Duration expiresIn, List<String> scopes) {
        @Override
        public String toString() {
            return "IssuedToken[expiresIn=" + expiresIn + ", scopes=" + scopes + "]";
        }
    }

    private final SigningKeys keys;
    private final TokenSettings settings;
    private final PlatformSettings platform;
    private final Clock clock;

    TokenIssuer(SigningKeys keys, TokenSettings settings, PlatformSettings platform, Clock clock) {
        this.keys = keys;
        this.settings = settings;
        this.platform = platform;
        this.clock = clock;
    }

    /** A member's admin token, with the scopes of its role. */
    public Mono<IssuedToken> issueForMember(UUID tenantId, UUID memberId, String role) {
        List<String> scopes = Scopes.ofRole(role);
        return issue(
                settings.adminTokenLifetime(),
                scopes,
                new JWTClaimsSet.Builder()
                        .subject(memberId.toString())
                        .claim("tenant_id", tenantId.toString())
                        .claim("member_id", memberId.toString())
                        .claim("role", role));
    }

    /** An app client's client_credentials token. */
    public Mono<IssuedToken> issueForClient(UUID tenantId, String clientId, List<String> scopes) {
        return issue(
                settings.clientTokenLifetime(),
                scopes,
                new JWTClaimsSet.Builder()
                        .subject(clientId)
                        .claim("tenant_id", tenantId.toString())
                        .claim("client_id", clientId));
    }

    private Mono<IssuedToken> issue(Duration lifetime, List<String> scopes, JWTClaimsSet.Builder claims) {
        return keys.current().map(loaded -> {
            Instant now = clock.instant();
            claims.issuer(platform.issuer().toString())
                    .audience(settings.audience())
                    .issueTime(Date.from(now))
                    .notBeforeTime(Date.from(now))
                    .expirationTime(Date.from(now.plus(lifetime)))
                    .jwtID(UUID.randomUUID().toString())
                    .claim("scope", String.join(" ", scopes));
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.ES256)
                            .keyID(loaded.signing().getKeyID())
                            .type(JOSEObjectType.JWT)
                            .build(),
                    claims.build());
            try {
                jwt.sign(new ECDSASigner(loaded.signing()));
            } catch (JOSEException e) {
                throw new IllegalStateException("cannot sign a platform token", e);
            }
            return new IssuedToken(jwt.serialize(), lifetime, scopes);
        });
    }
}
