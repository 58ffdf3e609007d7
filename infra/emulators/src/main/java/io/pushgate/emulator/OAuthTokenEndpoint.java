package io.pushgate.emulator;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Google's OAuth 2 token endpoint for service accounts (RFC 7523 JWT-bearer grant): verifies the
 * assertion's RS256 signature against the accounts it knows, and issues access tokens that the FCM
 * endpoint accepts for the account's project for one hour. Also holds the static tokens the emulator
 * was told to accept for any project.
 */
final class OAuthTokenEndpoint {

    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final Set<String> MESSAGING_SCOPES = Set.of(
            "https://www.googleapis.com/auth/firebase.messaging", "https://www.googleapis.com/auth/cloud-platform");

    /** An answer: the HTTP status and the JSON body. */
    record Answer(int status, Map<String, Object> body) {}

    private record Issued(String projectId, String clientEmail, Instant expiresAt) {}

    private final JsonMapper json;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, FcmServiceAccount> accounts = new ConcurrentHashMap<>();
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    private final Set<String> staticTokens = ConcurrentHashMap.newKeySet();

    OAuthTokenEndpoint(JsonMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    void register(FcmServiceAccount account) {
        accounts.put(account.clientEmail(), account);
    }

    void revoke(String clientEmail) {
        accounts.remove(clientEmail);
    }

    void acceptStatic(String token) {
        staticTokens.add(token);
    }

    void clear() {
        accounts.clear();
        issued.clear();
        staticTokens.clear();
    }

    /** Whether {@code token} may send for {@code projectId}: empty when it may, else the reason. */
    Authorization authorize(String token, String projectId) {
        if (token == null || token.isEmpty()) {
            return Authorization.UNAUTHENTICATED;
        }
        if (staticTokens.contains(token)) {
            return Authorization.GRANTED;
        }
        Issued grant = issued.get(token);
        if (grant == null || !clock.instant().isBefore(grant.expiresAt())) {
            return Authorization.UNAUTHENTICATED;
        }
        return grant.projectId().equals(projectId) ? Authorization.GRANTED : Authorization.PERMISSION_DENIED;
    }

    /**
     * The service account {@code token} was issued to, or {@code null} for a static token (or one
     * this endpoint did not issue).
     */
    String clientEmail(String token) {
        Issued grant = token == null ? null : issued.get(token);
        return grant == null ? null : grant.clientEmail();
    }

    enum Authorization {
        GRANTED,
        UNAUTHENTICATED,
        PERMISSION_DENIED
    }

    /** Answers a token request given its form parameters. */
    Answer token(Map<String, String> form) {
        String grantType = form.get("grant_type");
        if (grantType == null) {
            return error("invalid_request", "Missing required parameter: grant_type");
        }
        if (!GRANT_TYPE.equals(grantType)) {
            return error("unsupported_grant_type", "Invalid grant_type: " + grantType);
        }
        String assertion = form.get("assertion");
        if (assertion == null || assertion.isEmpty()) {
            return error("invalid_request", "Missing required parameter: assertion");
        }
        String[] parts = assertion.split("\\.", -1);
        if (parts.length != 3) {
            return error("invalid_grant", "Invalid JWT: the assertion must have three parts.");
        }
        JsonNode header;
        JsonNode claims;
        byte[] signature;
        try {
            Base64.Decoder base64 = Base64.getUrlDecoder();
            header = json.readTree(base64.decode(parts[0]));
            claims = json.readTree(base64.decode(parts[1]));
            signature = base64.decode(parts[2]);
        } catch (IllegalArgumentException | JacksonException e) {
            return error("invalid_grant", "Invalid JWT: not base64url-encoded JSON.");
        }
        if (!header.isObject() || !claims.isObject()) {
            return error("invalid_grant", "Invalid JWT: header and claims must be objects.");
        }
        if (!"RS256".equals(header.path("alg").asString())) {
            return error("invalid_grant", "Invalid JWT: the algorithm must be RS256.");
        }
        FcmServiceAccount account = accounts.get(claims.path("iss").asString());
        if (account == null) {
            return error("invalid_grant", "Invalid JWT Signature.");
        }
        String keyId = header.path("kid").asString(null);
        if (keyId != null && !keyId.equals(account.privateKeyId())) {
            return error("invalid_grant", "Invalid JWT Signature.");
        }
        if (!verifies(account, (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), signature)) {
            return error("invalid_grant", "Invalid JWT Signature.");
        }
        if (!audienceIsTokenEndpoint(claims.path("aud").asString(""))) {
            return error("invalid_grant", "Invalid JWT: the audience must be the token endpoint.");
        }
        Instant now = clock.instant();
        if (!claims.path("exp").isNumber() || !claims.path("iat").isNumber()) {
            return error("invalid_grant", "Invalid JWT: iat and exp are required.");
        }
        Instant issuedAt = Instant.ofEpochSecond(claims.path("iat").asLong());
        Instant expiresAt = Instant.ofEpochSecond(claims.path("exp").asLong());
        if (issuedAt.isAfter(now.plus(CLOCK_SKEW))
                || !expiresAt.isAfter(now.minus(CLOCK_SKEW))
                || Duration.between(issuedAt, expiresAt).compareTo(TOKEN_LIFETIME) > 0) {
            return error(
                    "invalid_grant",
                    "Invalid JWT: Token must be a short-lived token (60 minutes) and in a"
                            + " reasonable timeframe. Check your iat and exp values in the JWT claim.");
        }
        String scope = claims.path("scope").asString("");
        if (Set.of(scope.split(" ")).stream().noneMatch(MESSAGING_SCOPES::contains)) {
            return error("invalid_scope", "The assertion's scope does not allow sending FCM messages.");
        }
        byte[] tokenBytes = new byte[32];
        random.nextBytes(tokenBytes);
        String token =
                "ya29.emulator." + Base64.getUrlEncoder().withoutPadding().encodeToString(tokenBytes);
        issued.put(token, new Issued(account.projectId(), account.clientEmail(), now.plus(TOKEN_LIFETIME)));
        return new Answer(
                200, Map.of("access_token", token, "token_type", "Bearer", "expires_in", TOKEN_LIFETIME.toSeconds()));
    }

    private static boolean audienceIsTokenEndpoint(String audience) {
        try {
            String path = URI.create(audience).getPath();
            return path != null && (path.equals("/token") || path.endsWith("/token"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean verifies(FcmServiceAccount account, byte[] signed, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(account.publicKey());
            verifier.update(signed);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Answer error(String error, String description) {
        return new Answer(400, Map.of("error", error, "error_description", description));
    }
}
