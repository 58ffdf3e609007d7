package io.pushgate.tenant.plan;

import io.pushgate.api.Plan;
import io.pushgate.api.problem.ControlPlaneProblem;
import io.pushgate.tenant.plan.Plans.PlanView;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.Fields;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/plan}: the caller's tenant's plan, for any member. {@code PUT
 * /v1/operator/tenants/{tenantId}/plan}: the platform operator gives a tenant another plan; only the
 * operator token reaches it ({@code security.SecurityConfiguration}), never a tenant's credential.
 */
@RestController
class PlanEndpoints {

    private final Plans plans;

    PlanEndpoints(Plans plans) {
        this.plans = plans;
    }

    @GetMapping("/v1/plan")
    Mono<PlanView> plan(Caller caller) {
        return plans.of(caller.tenantId());
    }

    @PutMapping("/v1/operator/tenants/{tenantId}/plan")
    Mono<PlanView> replace(@PathVariable String tenantId, @RequestBody JsonNode body, ServerHttpRequest request) {
        Plan plan = plan(body);
        return plans.replace(Fields.pathId(tenantId, "tenant"), plan, Caller.sourceIp(request));
    }

    /**
     * The five numbers, each required and a whole number from 1 to {@link Plan#MAX_RATE}; the burst
     * up to {@link Plan#MAX_BURST} and at least {@code callbacksPerSecond}.
     */
    static Plan plan(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new ApiRejected(ControlPlaneProblem.MALFORMED_REQUEST, "the request body must be a JSON object");
        }
        long callbacksPerSecond = rate(body, "callbacksPerSecond", Plan.MAX_RATE);
        long callbackBurst = rate(body, "callbackBurst", Plan.MAX_BURST);
        long registrationsPerSecond = rate(body, "registrationsPerSecond", Plan.MAX_RATE);
        long apiCallsPerSecond = rate(body, "apiCallsPerSecond", Plan.MAX_RATE);
        long deliveriesPerSecondPerCredential = rate(body, "deliveriesPerSecondPerCredential", Plan.MAX_RATE);
        if (callbackBurst < callbacksPerSecond) {
            throw ApiRejected.invalidField("callbackBurst", "must be at least callbacksPerSecond");
        }
        return new Plan(
                callbacksPerSecond,
                callbackBurst,
                registrationsPerSecond,
                apiCallsPerSecond,
                deliveriesPerSecondPerCredential);
    }

    private static long rate(JsonNode body, String field, long max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw ApiRejected.invalidField(field, "is required");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiRejected.invalidField(field, "must be a whole number");
        }
        long rate = value.asLong();
        if (rate < 1 || rate > max) {
            throw ApiRejected.invalidField(field, "must be from 1 to " + max);
        }
        return rate;
    }
}
