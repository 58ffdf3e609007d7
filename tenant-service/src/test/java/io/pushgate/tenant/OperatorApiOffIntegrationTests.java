package io.pushgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Without {@code pushgate.operator-token} the operator API is off: 404 to everyone, as if it did not exist. */
@ControlPlaneTest
class OperatorApiOffIntegrationTests {

    @Autowired
    Api api;

    @Test
    void withoutAnOperatorTokenTheOperatorApiIsNotFound() {
        Api.Tenant tenant = api.tenant();
        for (String token : new String[] {null, tenant.token(), "anything-at-all-0123456789abcdef0123"}) {
            JsonNode problem = Api.json(
                    api.put(
                            token,
                            "/v1/operator/tenants/" + tenant.tenantId() + "/plan",
                            PlansIntegrationTests.plan(5, 10, 6, 7, 8)),
                    404);
            assertThat(problem.get("type").asString()).isEqualTo("https://pushgate.io/problems/not-found");
        }
        assertThat(Api.json(api.get(tenant.token(), "/v1/plan"), 200)
                        .get("version")
                        .asLong())
                .isZero();
    }
}
