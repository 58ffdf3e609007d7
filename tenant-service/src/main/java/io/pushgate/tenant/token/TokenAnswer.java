package io.pushgate.tenant.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The OAuth 2.0 token answer (RFC 6749 §5.1); {@link #toString()} leaves the token out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenAnswer(
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("token_type") String tokenType,
        @JsonProperty("expires_in") long expiresIn,
        @JsonProperty("scope") String scope) {

    public static TokenAnswer of(TokenIssuer.IssuedToken token, boolean withScope) {
        return new TokenAnswer(
                token.value(),
                "Bearer",
                token.expiresIn().toSeconds(),
                withScope ? String.join(" ", token.scopes()) : null);
    }

    @Override
    public String toString() {
        return "TokenAnswer[token_type=" + tokenType + ", expires_in=" + expiresIn + "]";
    }
}
