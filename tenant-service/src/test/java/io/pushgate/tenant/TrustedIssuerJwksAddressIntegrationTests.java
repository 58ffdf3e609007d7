package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * tenant-service refuses at registration a trusted issuer whose JWKS URI delivery-service would
 * refuse to fetch (the one rule, {@code io.pushgate.api.net.JwksAddresses}): loopback, link-local,
 * metadata and private networks other than those {@code pushgate.security.jwks-allowed-networks}
 * names — with a 400 problem naming {@code jwksUri}, and nothing stored. tenant-service never
 * connects to a JWKS URI, and these are address literals: nothing is looked up either.
 */
@ControlPlaneTest
@TestPropertySource(properties = "pushgate.security.jwks-allowed-networks=10.20.0.0/16, fd00:20::/32")
class TrustedIssuerJwksAddressIntegrationTests {

    @Autowired
    Api api;

    @Test
    void refusesAJwksUriDeliveryServiceWouldNotFetchNamingTheField() {
        Api.Tenant tenant = api.tenant();
        Map<String, String> refused = Map.ofEntries(
                Map.entry("http://localhost:9000/jwks", "loopback"),
                Map.entry("http://127.0.0.1:9000/jwks", "loopback"),
                Map.entry("https://[::1]/jwks", "loopback"),
                Map.entry("https://idp.localhost/jwks", "loopback"),
                Map.entry("https://10.1.2.3/jwks", "private network"),
                Map.entry("https://172.16.0.1/jwks", "private network"),
                Map.entry("https://192.168.1.1/jwks", "private network"),
                Map.entry("https://100.64.0.1/jwks", "private network"),
                Map.entry("https://[fd00::1]/jwks", "private network"),
                Map.entry("https://[::ffff:192.168.0.1]/jwks", "private network"),
                Map.entry("https://169.254.169.254/latest/meta-data/", "not allowed"),
                Map.entry("https://[fe80::1]/jwks", "not allowed"),
                Map.entry("https://100.100.100.200/jwks", "not allowed"),
                Map.entry("https://0.0.0.0/jwks", "not allowed"),
                Map.entry("https://2130706433/jwks", "not valid"));
        refused.forEach((jwksUri, reason) -> {
            JsonNode problem = api.http
                    .post()
                    .uri("/v1/trusted-issuers")
                    .headers(headers -> headers.setBearerAuth(tenant.token()))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of(
                            "issuer",
                            "https://idp.example.test/" + UUID.randomUUID(),
                            "jwksUri",
                            jwksUri,
                            "audience",
                            "app"))
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectHeader()
                    .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody(JsonNode.class)
                    .returnResult()
                    .getResponseBody();
            assertThat(problem.get("type").asString())
                    .as(jwksUri)
                    .isEqualTo("https://pushgate.io/problems/invalid-field");
            assertThat(problem.get("field").asString()).as(jwksUri).isEqualTo("jwksUri");
            assertThat(problem.get("detail").asString())
                    .as(jwksUri)
                    .startsWith("jwksUri: delivery-service would not fetch it: ")
                    .contains(reason);
        });
        assertThat(issuers(tenant)).as("nothing stored").isEmpty();
    }

    @Test
    void acceptsAPublicNameAndAPrivateNetworkTheSettingNames() {
        Api.Tenant tenant = api.tenant();
        List<String> accepted =
                List.of("https://login.example.test/jwks", "https://10.20.3.4/jwks", "https://[fd00:20::7]:8443/jwks");
        for (String jwksUri : accepted) {
            api.trustedIssuer(tenant.token(), "https://idp.example.test/" + UUID.randomUUID(), jwksUri, "app");
        }
        assertThat(issuers(tenant)).containsExactlyInAnyOrderElementsOf(accepted);
        // the same network's neighbour is not named
        Api.json(
                api.post(
                        tenant.token(),
                        "/v1/trusted-issuers",
                        Map.of(
                                "issuer",
                                "https://idp.example.test/x",
                                "jwksUri",
                                "https://10.21.0.1/jwks",
                                "audience",
                                "app")),
                400);
    }

    private List<String> issuers(Api.Tenant tenant) {
        JsonNode page = Api.json(api.get(tenant.token(), "/v1/trusted-issuers"), 200);
        List<String> uris = new ArrayList<>();
        page.get("items").forEach(item -> uris.add(item.get("jwksUri").asString()));
        return uris;
    }
}
