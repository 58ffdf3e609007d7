package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.pushgate.tenant.token.SigningKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Platform JWTs, the JWKS with rotating keys, RFC 8414 metadata, and the token endpoint (RFC 6749 §4.4, §5.2). */
@ControlPlaneTest
class PlatformTokensIntegrationTests {

    @Autowired
    SigningKeys signingKeys;

    @Autowired
    Api api;

    @Test
    void theMetadataNamesTheIssuerAndItsEndpoints() {
        JsonNode metadata = Api.json(api.get(null, "/.well-known/oauth-authorization-server"), 200);
        assertThat(metadata.get("issuer").asString()).isEqualTo("http://localhost:8081");
        assertThat(metadata.get("token_endpoint").asString()).isEqualTo("http://localhost:8081/oauth2/token");
        assertThat(metadata.get("jwks_uri").asString()).isEqualTo("http://localhost:8081/oauth2/jwks");
        assertThat(metadata.get("grant_types_supported").toString()).contains("client_credentials");
        assertThat(metadata.get("token_endpoint_auth_methods_supported").toString())
                .contains("client_secret_basic", "client_secret_post");
    }

    @Test
    void anAdminTokenCarriesTheTenantTheMemberAndTheRoleScopesAndVerifiesWithTheJwks() throws Exception {
        Api.Tenant tenant = api.tenant();
        SignedJWT jwt = SignedJWT.parse(tenant.token());
        JWKSet jwks = JWKSet.parse(Api.text(api.get(null, "/oauth2/jwks"), 200));
        ECKey key = (ECKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).isNotNull();
        assertThat(key.isPrivate()).isFalse();
        assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();

        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("http://localhost:8081");
        assertThat(claims.getAudience()).containsExactly("pushgate");
        assertThat(claims.getSubject()).isEqualTo(tenant.memberId().toString());
        assertThat(claims.getStringClaim("tenant_id"))
                .isEqualTo(tenant.tenantId().toString());
        assertThat(claims.getStringClaim("member_id"))
                .isEqualTo(tenant.memberId().toString());
        assertThat(claims.getStringClaim("role")).isEqualTo("owner");
        assertThat(claims.getStringClaim("scope")).isEqualTo("tenant.read tenant.write members.write");
        assertThat(claims.getJWTID()).isNotBlank();
        long lifetime =
                (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000;
        assertThat(lifetime).isBetween(1L, 900L);
    }

    @Test
    void tokensOfARetiredKeyKeepVerifyingWhileTheNewKeySigns() throws Exception {
        Api.Tenant tenant = api.tenant();
        String oldKid = SignedJWT.parse(tenant.token()).getHeader().getKeyID();

        signingKeys.rotateNow().block();

        String newToken = api.login(tenant.email(), tenant.password());
        String newKid = SignedJWT.parse(newToken).getHeader().getKeyID();
        assertThat(newKid).isNotEqualTo(oldKid);
        JWKSet jwks = JWKSet.parse(Api.text(api.get(null, "/oauth2/jwks"), 200));
        assertThat(jwks.getKeyByKeyId(oldKid)).isNotNull();
        assertThat(jwks.getKeyByKeyId(newKid)).isNotNull();
        api.get(tenant.token(), "/v1/configurations").expectStatus().isOk();
        api.get(newToken, "/v1/configurations").expectStatus().isOk();
    }

    @Test
    void clientCredentialsWithBasicOrPostGiveARegistrationsToken() throws Exception {
        Api.Tenant tenant = api.tenant();
        JsonNode client = api.appClient(tenant.token(), "app");
        String clientId = client.get("clientId").asString();
        String secret = client.get("clientSecret").asString();

        var basic = token(basic(clientId, secret), "grant_type=client_credentials");
        basic.expectHeader().valueEquals(HttpHeaders.CACHE_CONTROL, "no-store");
        JsonNode answer = Api.json(basic, 200);
        assertThat(answer.get("expires_in").asLong()).isBetween(1L, 900L);
        var claims = SignedJWT.parse(answer.get("access_token").asString()).getJWTClaimsSet();
        assertThat(claims.getStringClaim("tenant_id"))
                .isEqualTo(tenant.tenantId().toString());
        assertThat(claims.getStringClaim("scope")).isEqualTo("registrations");
        assertThat(claims.getSubject()).isEqualTo(clientId);
        assertThat(claims.getClaim("member_id")).isNull();

        JsonNode post = Api.json(
                token(
                        null,
                        "grant_type=client_credentials&scope=registrations&client_id=" + clientId + "&client_secret="
                                + secret),
                200);
        assertThat(post.get("scope").asString()).isEqualTo("registrations");

        // an app client's token is not an admin token
        api.get(answer.get("access_token").asString(), "/v1/configurations")
                .expectStatus()
                .isForbidden();

        JsonNode listed = Api.json(api.get(tenant.token(), "/v1/app-clients"), 200);
        assertThat(listed.get("items").get(0).get("clientId").asString()).isEqualTo(clientId);
        assertThat(listed.toString()).doesNotContain(secret);
    }

    @Test
    void theTokenEndpointAnswersRfc6749Errors() throws Exception {
        Api.Tenant tenant = api.tenant();
        JsonNode client = api.appClient(tenant.token(), "app");
        String clientId = client.get("clientId").asString();
        String secret = client.get("clientSecret").asString();

        var wrongSecret = token(basic(clientId, "wrong"), "grant_type=client_credentials");
        wrongSecret.expectHeader().exists(HttpHeaders.WWW_AUTHENTICATE);
        assertError(wrongSecret, 401, "invalid_client");
        assertError(token(basic("pgc_unknown", secret), "grant_type=client_credentials"), 401, "invalid_client");
        assertError(token(null, "grant_type=client_credentials"), 401, "invalid_client");
        assertError(token(basic(clientId, secret), "grant_type=password"), 400, "unsupported_grant_type");
        assertError(token(basic(clientId, secret), "scope=registrations"), 400, "invalid_request");
        assertError(token(basic(clientId, secret), "grant_type=client_credentials&scope=admin"), 400, "invalid_scope");
        assertError(
                token(basic(clientId, secret), "grant_type=client_credentials&client_secret=" + secret),
                400,
                "invalid_request");
        assertError(
                token(basic(clientId, secret), "grant_type=client_credentials&grant_type=client_credentials"),
                400,
                "invalid_request");

        // a token request that is not a form: RFC 6749's error, not a bare 415, and the form still works after
        JsonNode json = Api.json(
                api.http
                        .post()
                        .uri("/oauth2/token")
                        .header(HttpHeaders.AUTHORIZATION, basic(clientId, secret))
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"grant_type\":\"client_credentials\"}")
                        .exchange(),
                400);
        assertThat(json.get("error").asString()).isEqualTo("invalid_request");
        assertThat(json.get("error_description").asString())
                .contains("application/x-www-form-urlencoded", "application/json");
        JsonNode bare = Api.json(
                api.http
                        .post()
                        .uri("/oauth2/token")
                        .header(HttpHeaders.AUTHORIZATION, basic(clientId, secret))
                        .exchange(),
                400);
        assertThat(bare.get("error").asString()).isEqualTo("invalid_request");
        assertThat(bare.get("error_description").asString()).contains("it had no content type");
        // a content type that is not a media type at all; sent raw, since Spring's own client refuses it
        HttpResponse<String> raw = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + api.port() + "/oauth2/token"))
                                .header(HttpHeaders.AUTHORIZATION, basic(clientId, secret))
                                .header(HttpHeaders.CONTENT_TYPE, "text")
                                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(raw.statusCode()).isEqualTo(400);
        JsonNode malformed = JsonMapper.shared().readTree(raw.body());
        assertThat(malformed.get("error").asString()).isEqualTo("invalid_request");
        assertThat(malformed.get("error_description").asString()).contains("it was text");
        Api.json(token(basic(clientId, secret), "grant_type=client_credentials"), 200);

        api.delete(tenant.token(), "/v1/app-clients/" + clientId).expectStatus().isNoContent();
        assertError(token(basic(clientId, secret), "grant_type=client_credentials"), 401, "invalid_client");
        api.delete(tenant.token(), "/v1/app-clients/" + clientId).expectStatus().isNotFound();
    }

    @Test
    void anAppClientNeedsAName() {
        Api.Tenant tenant = api.tenant();
        JsonNode problem = Api.json(api.post(tenant.token(), "/v1/app-clients", Map.of("name", " ")), 400);
        assertThat(problem.get("field").asString()).isEqualTo("name");
    }

    private WebTestClient.ResponseSpec token(String authorization, String form) {
        return api.http
                .post()
                .uri("/oauth2/token")
                .headers(headers -> {
                    if (authorization != null) {
                        headers.set(HttpHeaders.AUTHORIZATION, authorization);
                    }
                })
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue(form)
                .exchange();
    }

    private static String basic(String clientId, String secret) {
        return "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static void assertError(WebTestClient.ResponseSpec response, int status, String error) {
        JsonNode body = Api.json(response, status);
        assertThat(body.get("error").asString()).isEqualTo(error);
    }
}
