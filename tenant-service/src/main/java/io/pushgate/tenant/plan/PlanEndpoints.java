package io.pushgate.tenant.plan;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.pushgate.api.Plan;
import io.pushgate.api.problem.ControlPlaneProblem;
import io.pushgate.tenant.limit.Admission;
import io.pushgate.tenant.limit.LimitBackend;
import io.pushgate.tenant.limit.RateLimits;
import io.pushgate.tenant.plan.Plans.PlanView;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.Fields;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * {@code GET /v1/plan}: the caller's tenant's plan and its usage, for any member. {@code PUT
 * /v1/operator/tenants/{tenantId}/plan}: the platform operator gives a tenant another plan; only the
 * operator token reaches it ({@code security.SecurityConfiguration}), never a tenant's credential.
 */
@RestController
class PlanEndpoints {

    /**
     * {@code GET /v1/plan}'s answer: the plan's fields, then {@code usage}, what this service knows
     * exactly of the tenant's use of its limits (README, "Plans and usage").
     */
    record PlanWithUsage(@JsonUnwrapped PlanView plan, Usage usage) {}

    /**
     * The body of the operator's {@code PUT}, for the API document only: the handler reads the JSON
     * itself, to tell an absent {@code retentionDays} from a wrong one.
     */
    @Schema(
            requiredProperties = {
                "callbacksPerSecond",
                "callbackBurst",
                "registrationsPerSecond",
                "apiCallsPerSecond",
                "deliveriesPerSecondPerCredential"
            })
    record PlanChange(
            long callbacksPerSecond,
            long callbackBurst,
            long registrationsPerSecond,
            long apiCallsPerSecond,
            long deliveriesPerSecondPerCredential,

            @Schema(description = "days the tenant's notifications are kept; absent or null: the platform's retention")
            Integer retentionDays) {}

    /**
     * The tenant's use of each limit of its plan. The last three are delivery-service's ({@code GET
     * /v1/usage} there, asked with the caller's token), each {@code null} when it did not answer.
     *
     * @param apiCalls the control-plane limit, as it stood after this very call took its token
     * @param callbacks the callback ingress's bucket ({@code callbacksPerSecond}, {@code callbackBurst})
     * @param registrations the registration API's bucket ({@code registrationsPerSecond})
     * @param deliveries the shaping per credential ({@code deliveriesPerSecondPerCredential})
     */
    record Usage(ApiCalls apiCalls, JsonNode callbacks, JsonNode registrations, JsonNode deliveries) {}

    /**
     * The tenant's control-plane bucket after this call.
     *
     * @param backend who decided this call: {@code redis} (the bucket every instance shares) or {@code
     *     local} (this instance's own: the {@code local} backend, or the {@code redis} one's fallback)
     * @param shared whether {@code remaining} is the tenant's over every instance ({@code redis}) or
     *     only this instance's
     * @param limit the bucket's capacity (the plan's {@code apiCallsPerSecond}; this instance's share of
     *     it while the {@code redis} backend falls back)
     * @param remaining calls the tenant may make at once now, after this one
     * @param resetSeconds whole seconds until the bucket is full again
     * @param refusedByThisInstance the tenant's calls this instance answered 429 since {@code
     *     countedSince} (not other instances')
     * @param countedSince when this instance started
     */
    record ApiCalls(
            String backend,
            boolean shared,
            long limit,
            long remaining,
            long resetSeconds,
            long refusedByThisInstance,
            Instant countedSince) {}

    private final Plans plans;
    private final RateLimits limits;
    private final DataPlaneUsage dataPlane;

    PlanEndpoints(Plans plans, RateLimits limits, DataPlaneUsage dataPlane) {
        this.plans = plans;
        this.limits = limits;
        this.dataPlane = dataPlane;
    }

    @GetMapping("/v1/plan")
    Mono<PlanWithUsage> plan(Caller caller, ServerWebExchange exchange) {
        Admission admission = exchange.getAttribute(ApiCallLimit.ADMISSION);
        ApiCalls apiCalls = apiCalls(caller, admission);
        Mono<JsonNode> usage = dataPlane
                .of(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION))
                .defaultIfEmpty(NullNode.getInstance());
        return Mono.zip(plans.of(caller.tenantId()), usage)
                .map(both -> new PlanWithUsage(
                        both.getT1(),
                        new Usage(
                                apiCalls,
                                field(both.getT2(), "callbacks"),
                                field(both.getT2(), "registrations"),
                                field(both.getT2(), "deliveries"))));
    }

    private static JsonNode field(JsonNode usage, String name) {
        JsonNode value = usage.get(name);
        return value == null || value.isNull() ? null : value;
    }

    private ApiCalls apiCalls(Caller caller, Admission admission) {
        if (admission == null) {
            return null; // the limit did not decide this call (its plan could not be read)
        }
        return new ApiCalls(
                admission.backend().text(),
                admission.backend() == LimitBackend.REDIS,
                admission.limit(),
                admission.remaining(),
                admission.resetSeconds(),
                limits.refusedSinceStart(ApiCallLimit.LIMIT, caller.tenantId()),
                limits.started());
    }

    @PutMapping("/v1/operator/tenants/{tenantId}/plan")
    Mono<PlanView> replace(
            @PathVariable String tenantId,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content = @Content(schema = @Schema(implementation = PlanChange.class)))
                    @RequestBody
                    JsonNode body,
            ServerHttpRequest request) {
        Plan plan = plan(body);
        Integer retentionDays = retentionDays(body, plans.maxRetentionDays());
        return plans.replace(Fields.pathId(tenantId, "tenant"), plan, retentionDays, Caller.sourceIp(request));
    }

    /**
     * {@code retentionDays}: absent or {@code null} keeps the tenant's notifications as long as the
     * platform does; else a whole number of days from 1 to the platform's retention ({@code max}).
     */
    static Integer retentionDays(JsonNode body, int max) {
        JsonNode value = body.get("retentionDays");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw ApiRejected.invalidField("retentionDays", "must be a whole number of days");
        }
        int days = value.asInt();
        if (days < 1 || days > max) {
            throw ApiRejected.invalidField(
                    "retentionDays",
                    "must be from 1 to " + max + " (the platform's retention, pushgate.retention.notifications)");
        }
        return days;
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
