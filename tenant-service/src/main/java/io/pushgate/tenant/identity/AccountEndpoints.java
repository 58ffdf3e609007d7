package io.pushgate.tenant.identity;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pushgate.tenant.identity.Accounts.SignedUp;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.token.TokenAnswer;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/signup}, {@code POST /v1/auth/login}, {@code POST /v1/auth/refresh} and {@code
 * POST /v1/auth/logout}.
 */
@RestController
class AccountEndpoints {

    record SignUp(String tenantName, String email, String password) {
        @Override
        public String toString() {
            return "SignUp[tenantName=" + tenantName + ", email=" + email + "]";
        }
    }

    record Login(String email, String password) {
        @Override
        public String toString() {
            return "Login[email=" + email + "]";
        }
    }

    /** The body of a refresh and of a sign-out. */
    record RefreshTokenBody(@JsonProperty("refresh_token") String refreshToken) {
        @Override
        public String toString() {
            return "RefreshTokenBody[]";
        }

        String token() {
            if (refreshToken == null || refreshToken.isBlank()) {
                throw ApiRejected.invalidField("refresh_token", "is required");
            }
            if (refreshToken.length() > MAX_REFRESH_TOKEN) {
                throw ApiRejected.invalidField("refresh_token", "is not a refresh token");
            }
            return refreshToken;
        }
    }

    /** Ours have 43 characters; anything much longer is not worth hashing. */
    private static final int MAX_REFRESH_TOKEN = 256;

    private final Accounts accounts;

    AccountEndpoints(Accounts accounts) {
        this.accounts = accounts;
    }

    @PostMapping("/v1/signup")
    Mono<ResponseEntity<SignedUp>> signUp(@RequestBody SignUp body, ServerHttpRequest request) {
        return Mono.defer(() ->
                        accounts.signUp(body.tenantName(), body.email(), body.password(), Caller.sourceIp(request)))
                .map(signedUp -> ResponseEntity.status(HttpStatus.CREATED).body(signedUp));
    }

    /**
     * The OAuth-style token answer: {@code access_token}, {@code token_type}, {@code expires_in},
     * {@code refresh_token}.
     */
    @PostMapping("/v1/auth/login")
    Mono<ResponseEntity<TokenAnswer>> login(@RequestBody Login body, ServerHttpRequest request) {
        return Mono.defer(() -> accounts.signIn(body.email(), body.password(), Caller.sourceIp(request)))
                .map(AccountEndpoints::noStore);
    }

    /** A new access token and a new refresh token; the one presented is spent. */
    @PostMapping("/v1/auth/refresh")
    Mono<ResponseEntity<TokenAnswer>> refresh(@RequestBody RefreshTokenBody body, ServerHttpRequest request) {
        return Mono.defer(() -> accounts.refresh(body.token(), Caller.sourceIp(request)))
                .map(AccountEndpoints::noStore);
    }

    /**
     * Revokes the refresh token's family: 204 whether the token was known or not, so that the
     * answer tells nothing about a token.
     */
    @PostMapping("/v1/auth/logout")
    Mono<ResponseEntity<Void>> logout(@RequestBody RefreshTokenBody body, ServerHttpRequest request) {
        return Mono.defer(() -> accounts.signOut(body.token(), Caller.sourceIp(request)))
                .thenReturn(ResponseEntity.noContent().build());
    }

    private static ResponseEntity<TokenAnswer> noStore(TokenAnswer answer) {
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .header("Pragma", "no-cache")
                .body(answer);
    }
}
