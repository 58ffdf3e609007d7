package io.pushgate.tenant.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The OAuth 2.0 token answer (RFC 6749 §5.1), with a {@code refresh_token} for a member's sign-in
 * and refresh; {@link #toString()} leaves the tokens out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenAnswer(
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("token_type") String tokenType,
        @JsonProperty("expires_in") long expiresIn,
        @JsonProperty("scope") String scope,
        @JsonProperty("refresh_token") String refreshToken) {

    public static TokenAnswer of(TokenIssuer.IssuedToken token, boolean withScope) {
        return new TokenAnswer(
                token.value(),
                "Bearer",
                token.expiresIn().toSeconds(),
                withScope ? String.join(" ", token.scopes()) : null,
                null);
    }

    /** A member's access token and the refresh token that gets the next one. */
    public static TokenAnswer withRefreshToken(TokenIssuer.IssuedToken token, String refreshToken) {
        return new TokenAnswer(token.value(), "Bearer", token.expiresIn().toSeconds(), null, refreshToken);
    }

    @Override
    public String toString() {
        return "TokenAnswer[token_type=" + tokenType + ", expires_in=" + expiresIn + "]";
    }
}
