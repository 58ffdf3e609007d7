package io.pushgate.tenant.issuer;

import io.pushgate.api.net.JwksAddresses;
import io.pushgate.tenant.issuer.TrustedIssuers.TrustedIssuerView;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.Fields;
import io.pushgate.tenant.platform.Page;
import java.net.URI;
import java.net.URISyntaxException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/trusted-issuers}: identity providers whose tokens delivery-service accepts for this
 * tenant's registrations. An issuer + audience pair belongs to one tenant only. Issuer and JWKS
 * URI must be https (http only for localhost, for development), and the JWKS URI one that
 * delivery-service will fetch ({@link JwksAddresses}: no link-local or metadata address, loopback
 * and private networks only where {@link TrustedIssuerSettings} allow them).
 */
@RestController
@RequestMapping("/v1/trusted-issuers")
class TrustedIssuerEndpoints {

    record NewTrustedIssuer(String issuer, String jwksUri, String audience) {}

    static final String SETTING = "pushgate.security.jwks-allowed-networks (PUSHGATE_SECURITY_JWKS_ALLOWED_NETWORKS)";

    private final TrustedIssuers issuers;
    private final JwksAddresses jwksAddresses;

    TrustedIssuerEndpoints(TrustedIssuers issuers, TrustedIssuerSettings settings) {
        this.issuers = issuers;
        try {
            this.jwksAddresses = JwksAddresses.of(settings.allowLoopbackJwks(), settings.jwksAllowedNetworks());
        } catch (IllegalArgumentException e) {
            // no cause: the launcher shows a start-up failure's root cause, and this line names the setting
            throw new IllegalStateException(SETTING + ": " + e.getMessage());
        }
    }

    @PostMapping
    Mono<ResponseEntity<TrustedIssuerView>> create(Caller caller, @RequestBody NewTrustedIssuer body) {
        String issuer = url("issuer", body.issuer());
        String jwksUri = url("jwksUri", body.jwksUri());
        jwksAddresses.refusal(URI.create(jwksUri)).ifPresent(reason -> {
            throw ApiRejected.invalidField("jwksUri", "delivery-service would not fetch it: " + reason);
        });
        String audience = Fields.text("audience", body.audience(), 500);
        return issuers.create(caller, issuer, jwksUri, audience)
                .map(view -> ResponseEntity.status(HttpStatus.CREATED).body(view));
    }

    @GetMapping
    Mono<Page<TrustedIssuerView>> list(
            Caller caller,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return issuers.list(caller, cursor, limit);
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<Void>> delete(Caller caller, @PathVariable String id) {
        return issuers.delete(caller, Fields.pathId(id, "trusted issuer"))
                .thenReturn(ResponseEntity.noContent().build());
    }

    /** An absolute https URL (http only for localhost), without fragment. */
    static String url(String field, String value) {
        String text = Fields.text(field, value, 2000);
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw ApiRejected.invalidField(field, "is not a URL");
        }
        boolean local = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost());
        if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && local)) {
            throw ApiRejected.invalidField(field, "must be an https URL");
        }
        if (uri.getHost() == null || uri.getFragment() != null) {
            throw ApiRejected.invalidField(field, "must be an absolute URL with a host and no fragment");
        }
        return text;
    }
}
