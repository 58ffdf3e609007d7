package io.pushgate.tenant.issuer;

import io.pushgate.api.problem.ControlPlaneProblems;
import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.platform.ApiProblem;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.ChangeEvents;
import io.pushgate.tenant.platform.Fields;
import io.pushgate.tenant.platform.Page;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.transaction.reactive.TransactionalOperator;
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
 * URI must be https (http only for localhost, for development).
 */
@RestController
@RequestMapping("/v1/trusted-issuers")
class TrustedIssuers {

    record NewTrustedIssuer(String issuer, String jwksUri, String audience) {}

    record TrustedIssuerView(UUID id, String issuer, String jwksUri, String audience, Instant createdAt)
            implements Page.Positioned {}

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AuditLog audit;
    private final ChangeEvents changes;

    TrustedIssuers(DatabaseClient db, TransactionalOperator tx, AuditLog audit, ChangeEvents changes) {
        this.db = db;
        this.tx = tx;
        this.audit = audit;
        this.changes = changes;
    }

    @PostMapping
    Mono<ResponseEntity<TrustedIssuerView>> create(
            @AuthenticationPrincipal Jwt jwt, ServerHttpRequest request, @RequestBody NewTrustedIssuer body) {
        Caller caller = Caller.of(jwt, request);
        String issuer = url("issuer", body.issuer());
        String jwksUri = url("jwksUri", body.jwksUri());
        String audience = Fields.text("audience", body.audience(), 500);
        UUID id = UUID.randomUUID();
        return tx.transactional(db.sql("""
                                INSERT INTO tenancy.trusted_issuer (id, tenant_id, issuer, jwks_uri, audience)
                                VALUES (:id, :tenantId, :issuer, :jwksUri, :audience)
                                """)
                        .bind("id", id)
                        .bind("tenantId", caller.tenantId())
                        .bind("issuer", issuer)
                        .bind("jwksUri", jwksUri)
                        .bind("audience", audience)
                        .fetch()
                        .rowsUpdated()
                        .then(changed(caller, id, "trusted-issuer.create"))
                        .then(one(caller.tenantId(), id)))
                .onErrorMap(
                        DuplicateKeyException.class,
                        e -> ApiProblem.of(
                                ControlPlaneProblems.TRUSTED_ISSUER_TAKEN,
                                "this issuer and audience are already registered; each pair can be registered once"))
                .map(view -> ResponseEntity.status(HttpStatus.CREATED).body(view));
    }

    @GetMapping
    Mono<Page<TrustedIssuerView>> list(
            @AuthenticationPrincipal Jwt jwt,
            ServerHttpRequest request,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        Caller caller = Caller.of(jwt, request);
        return Page.query(
                db,
                "SELECT id, issuer, jwks_uri, audience, created_at FROM tenancy.trusted_issuer",
                caller.tenantId(),
                cursor,
                limit,
                row -> new TrustedIssuerView(
                        row.get("id", UUID.class),
                        row.get("issuer", String.class),
                        row.get("jwks_uri", String.class),
                        row.get("audience", String.class),
                        row.get("created_at", Instant.class)));
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<Void>> delete(
            @AuthenticationPrincipal Jwt jwt, ServerHttpRequest request, @PathVariable String id) {
        Caller caller = Caller.of(jwt, request);
        UUID issuerId = Fields.pathId(id, "trusted issuer");
        return tx.transactional(db.sql("DELETE FROM tenancy.trusted_issuer WHERE tenant_id = :tenantId AND id = :id")
                        .bind("tenantId", caller.tenantId())
                        .bind("id", issuerId)
                        .fetch()
                        .rowsUpdated()
                        .flatMap(deleted ->
                                deleted == 0 ? Mono.error(ApiProblem.notFound("trusted issuer")) : Mono.empty())
                        .then(changed(caller, issuerId, "trusted-issuer.delete")))
                .thenReturn(ResponseEntity.noContent().build());
    }

    private Mono<TrustedIssuerView> one(UUID tenantId, UUID id) {
        return db.sql("""
                        SELECT id, issuer, jwks_uri, audience, created_at FROM tenancy.trusted_issuer
                        WHERE tenant_id = :tenantId AND id = :id
                        """)
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(row -> new TrustedIssuerView(
                        row.get("id", UUID.class),
                        row.get("issuer", String.class),
                        row.get("jwks_uri", String.class),
                        row.get("audience", String.class),
                        row.get("created_at", Instant.class)))
                .one()
                .switchIfEmpty(Mono.error(ApiProblem.notFound("trusted issuer")));
    }

    private Mono<Void> changed(Caller caller, UUID id, String action) {
        return audit.changed(caller, action, "trusted-issuer:" + id)
                .then(changes.changed(ChangeEvents.Kind.TRUSTED_ISSUER, id, caller.tenantId()));
    }

    /** An absolute https URL (http only for localhost), without fragment. */
    static String url(String field, String value) {
        String text = Fields.text(field, value, 2000);
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw ApiProblem.invalidField(field, "is not a URL");
        }
        boolean local = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost());
        if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && local)) {
            throw ApiProblem.invalidField(field, "must be an https URL");
        }
        if (uri.getHost() == null || uri.getFragment() != null) {
            throw ApiProblem.invalidField(field, "must be an absolute URL with a host and no fragment");
        }
        return text;
    }
}
