package io.pushgate.tenant.token;

import com.nimbusds.jose.jwk.JWKSet;
import io.pushgate.api.Scopes;
import io.pushgate.tenant.platform.PlatformSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /oauth2/jwks} and {@code GET /.well-known/oauth-authorization-server} (RFC 8414). */
@RestController
class AuthorizationServerEndpoints {

    private final SigningKeys keys;
    private final PlatformSettings platform;

    AuthorizationServerEndpoints(SigningKeys keys, PlatformSettings platform) {
        this.keys = keys;
        this.platform = platform;
    }

    @GetMapping("/oauth2/jwks")
    Mono<ResponseEntity<Map<String, Object>>> jwks() {
        return keys.published()
                .map(published -> ResponseEntity.ok()
                        .cacheControl(CacheControl.noCache())
                        .body(new JWKSet(published).toJSONObject(true)));
    }

    @GetMapping("/.well-known/oauth-authorization-server")
    Map<String, Object> metadata() {
        String issuer = PlatformSettings.withoutTrailingSlash(platform.issuer());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("issuer", platform.issuer().toString());
        metadata.put("token_endpoint", issuer + "/oauth2/token");
        metadata.put("jwks_uri", issuer + "/oauth2/jwks");
        metadata.put("grant_types_supported", List.of(AuthorizationGrantType.CLIENT_CREDENTIALS.getValue()));
        metadata.put(
                "token_endpoint_auth_methods_supported",
                List.of(
                        ClientAuthenticationMethod.CLIENT_SECRET_BASIC.getValue(),
                        ClientAuthenticationMethod.CLIENT_SECRET_POST.getValue()));
        metadata.put("scopes_supported", List.of(Scopes.REGISTRATIONS));
        // no authorization endpoint: no response type is supported
        metadata.put("response_types_supported", List.of());
        metadata.put("service_documentation", issuer + "/docs");
        return metadata;
    }
}
