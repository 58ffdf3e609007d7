package io.pushgate.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token issuer for tests: an EC (P-256, ES256) or RSA (2048, RS256) key pair, its public JWKS
 * served over HTTP by the JDK's {@link HttpServer} on 127.0.0.1, and tokens minted with chosen
 * claims. It stands in for a tenant's identity provider, or for tenant-service's platform JWKS (point
 * the platform JWKS URI at {@link #jwksUri()} and mint with the platform's issuer and claims). Tokens
 * can also be forged the ways attackers do: unsigned ({@code alg: none}), HS256 with the public key
 * as the secret, with another {@code kid}, or signed by a key the JWKS does not publish.
 *
 * <pre>{@code
 * try (TestIssuer issuer = TestIssuer.ec()) {
 *     String token = issuer.token().audience("my-api").scope("registrations").sign();
 * }
 * }</pre>
 */
public final class TestIssuer implements AutoCloseable {

    private final HttpServer server;
    private final String issuer;
    private final boolean rsa;
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private volatile JWK key;
    private volatile List<JWK> published;

    private TestIssuer(boolean rsa, String issuer) {
        this.rsa = rsa;
        this.key = newKey(rsa);
        this.published = List.of(key.toPublicJWK());
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/jwks", exchange -> {
            jwksRequests.incrementAndGet();
            byte[] body = new JWKSet(published).toString(true).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        this.issuer = issuer != null ? issuer : baseUri().toString();
    }

    /** An issuer with an EC P-256 key (ES256) whose {@code iss} is its own base URI. */
    public static TestIssuer ec() {
        return new TestIssuer(false, null);
    }

    /** An issuer with an EC P-256 key (ES256) whose {@code iss} is {@code issuer}. */
    public static TestIssuer ec(String issuer) {
        return new TestIssuer(false, issuer);
    }

    /** An issuer with an RSA 2048 key (RS256) whose {@code iss} is its own base URI. */
    public static TestIssuer rsa() {
        return new TestIssuer(true, null);
    }

    /** The {@code iss} of its tokens. */
    public String issuer() {
        return issuer;
    }

    /** Where it serves its public JWKS: {@code http://127.0.0.1:<port>/jwks}. */
    public URI jwksUri() {
        return baseUri().resolve("/jwks");
    }

    /** How many times its JWKS was fetched. */
    public int jwksRequests() {
        return jwksRequests.get();
    }

    /** The current signing key's {@code kid}. */
    public String keyId() {
        return key.getKeyID();
    }

    /**
     * Signs with a new key from now on; the JWKS publishes both until {@link #retireOldKeys()}, or
     * only the new one when {@code keepOld} is false.
     */
    public void rotate(boolean keepOld) {
        JWK next = newKey(rsa);
        List<JWK> keys = new ArrayList<>();
        keys.add(next.toPublicJWK());
        if (keepOld) {
            keys.addAll(published);
        }
        key = next;
        published = List.copyOf(keys);
    }

    /** Publishes only the current key. */
    public void retireOldKeys() {
        published = List.of(key.toPublicJWK());
    }

    /** A token of this issuer: {@code sub} "test-subject", valid from a minute ago for five minutes. */
    public Token token() {
        return new Token();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static JWK newKey(boolean rsa) {
        try {
            String kid = UUID.randomUUID().toString();
            return rsa
                    ? new RSAKeyGenerator(2048).keyID(kid).generate()
                    : new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The claims and header of one token, then one of the ways to sign it. */
    public final class Token {
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private Instant issuedAt = Instant.now().minusSeconds(60);
        private Instant notBefore = issuedAt;
        private Instant expiresAt = Instant.now().plus(Duration.ofMinutes(5));
        private String issuerClaim = issuer;
        private String kid = key.getKeyID();
        private boolean withExpiry = true;

        private Token() {
            claims.put("sub", "test-subject");
            claims.put("jti", UUID.randomUUID().toString());
        }

        public Token issuer(String iss) {
            this.issuerClaim = iss;
            return this;
        }

        public Token subject(String sub) {
            claims.put("sub", sub);
            return this;
        }

        /** One or more audiences ({@code aud}). */
        public Token audience(String... audiences) {
            claims.put("aud", audiences.length == 1 ? audiences[0] : List.of(audiences));
            return this;
        }

        /** The space-separated {@code scope} claim. */
        public Token scope(String... scopes) {
            claims.put("scope", String.join(" ", scopes));
            return this;
        }

        public Token claim(String name, Object value) {
            claims.put(name, value);
            return this;
        }

        public Token expiresAt(Instant exp) {
            this.expiresAt = exp;
            return this;
        }

        /** No {@code exp} claim at all. */
        public Token withoutExpiry() {
            this.withExpiry = false;
            return this;
        }

        public Token notBefore(Instant nbf) {
            this.notBefore = nbf;
            return this;
        }

        /** Names another {@code kid} in the header (the signature stays the real key's). */
        public Token keyId(String keyId) {
            this.kid = keyId;
            return this;
        }

        /** Signed with the issuer's current key (ES256 or RS256). */
        public String sign() {
            return sign(key);
        }

        /** Signed with a fresh key of the same type that the JWKS does not publish, under the current {@code kid}. */
        public String signWithUnpublishedKey() {
            return sign(newKey(rsa));
        }

        /** Unsigned: {@code alg: none}. */
        public String unsigned() {
            return new PlainJWT(claims()).serialize();
        }

        /**
         * HS256 with the issuer's public key as the HMAC secret (the algorithm-confusion attack on
         * verifiers that take the algorithm from the token).
         */
        public String signHs256WithPublicKey() {
            try {
                byte[] secret = key instanceof RSAKey rsaKey
                        ? rsaKey.toPublicKey().getEncoded()
                        : ((ECKey) key).toPublicKey().getEncoded();
                SignedJWT jwt = new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.HS256)
                                .keyID(kid)
                                .type(JOSEObjectType.JWT)
                                .build(),
                        claims());
                jwt.sign(new MACSigner(secret));
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The payload with its signature replaced by another token's (a tampered token). */
        public String tampered() {
            String signed = sign();
            String[] parts = signed.split("\\.");
            JWTClaimsSet changed =
                    new JWTClaimsSet.Builder(claims()).claim("tampered", true).build();
            return parts[0] + "." + Base64URL.encode(changed.toString()) + "." + parts[2];
        }

        private String sign(JWK signingKey) {
            try {
                JWSSigner signer = signingKey instanceof RSAKey rsaKey
                        ? new RSASSASigner(rsaKey)
                        : new ECDSASigner((ECKey) signingKey);
                SignedJWT jwt = new SignedJWT(
                        new JWSHeader.Builder(signingKey instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256)
                                .keyID(kid)
                                .type(JOSEObjectType.JWT)
                                .build(),
                        claims());
                jwt.sign(signer);
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        private JWTClaimsSet claims() {
            JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                    .issuer(issuerClaim)
                    .issueTime(Date.from(issuedAt))
                    .notBeforeTime(Date.from(notBefore));
            if (withExpiry) {
                builder.expirationTime(Date.from(expiresAt));
            }
            claims.forEach(builder::claim);
            return builder.build();
        }
    }
}
