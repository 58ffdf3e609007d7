package io.pushgate.tenant.identity;

import io.pushgate.tenant.identity.Accounts.SignedUp;
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

/** {@code POST /v1/signup} and {@code POST /v1/auth/login}. */
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

    /** The OAuth-style token answer: {@code access_token}, {@code token_type}, {@code expires_in}. */
    @PostMapping("/v1/auth/login")
    Mono<ResponseEntity<TokenAnswer>> login(@RequestBody Login body, ServerHttpRequest request) {
        return Mono.defer(() -> accounts.signIn(body.email(), body.password(), Caller.sourceIp(request)))
                .map(token -> ResponseEntity.ok()
                        .cacheControl(CacheControl.noStore())
                        .header("Pragma", "no-cache")
                        .body(TokenAnswer.of(token, false)));
    }
}
