package io.pushgate.tenant.plan;

import io.pushgate.api.problem.ControlPlaneProblem;
import io.pushgate.tenant.limit.Admission;
import io.pushgate.tenant.limit.Band;
import io.pushgate.tenant.limit.Quota;
import io.pushgate.tenant.limit.RateLimits;
import io.pushgate.tenant.plan.Plans.PlanView;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Caller;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

/**
 * The control-plane limit per tenant: every {@code /v1} call that a tenant's platform token passed
 * the security chain with (a member's or an app client's) takes one token of the tenant's bucket, of
 * {@code apiCallsPerSecond} calls refilled evenly at {@code apiCallsPerSecond} a second, from the
 * tenant's plan ({@link Plans#recent}: a plan change applies within {@link Plans#REREAD_AFTER}).
 * Over it: 429 {@code api-rate-limited} with {@code Retry-After}; every answer it applies to carries
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset}. Not limited here:
 * sign-up and {@code /v1/auth/**} (their own limits), the operator's {@code /v1/operator/**}, calls
 * the security chain answered (401, 403), and everything outside {@code /v1}.
 *
 * <p>When the plan cannot be read (the database is down) the call goes on unlimited: it meets the
 * same database next, and answers as that makes it.
 */
@Component
class ApiCallLimit implements WebFilter, Ordered {

    /** The limit's name in metrics and Redis keys. */
    static final String LIMIT = "api-calls";

    /** The exchange attribute holding this call's {@link Admission}, for {@code GET /v1/plan}'s usage. */
    static final String ADMISSION = ApiCallLimit.class.getName() + ".admission";

    private static final Logger log = LoggerFactory.getLogger(ApiCallLimit.class);

    private final Plans plans;
    private final RateLimits limits;
    private final ObjectMapper json;

    ApiCallLimit(Plans plans, RateLimits limits, ObjectMapper json) {
        this.plans = plans;
        this.limits = limits;
        this.json = json;
    }

    @Override
    public int getOrder() {
        return 0; // after the security chain (-100): the caller is known
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!applies(exchange.getRequest().getPath().pathWithinApplication().value())) {
            return chain.filter(exchange);
        }
        return decide(exchange).flatMap(decided -> {
            if (decided.isEmpty()) {
                return chain.filter(exchange);
            }
            Admission admission = decided.get();
            admission.writeTo(exchange.getResponse().getHeaders());
            if (admission.allowed()) {
                exchange.getAttributes().put(ADMISSION, admission);
                return chain.filter(exchange);
            }
            return refuse(exchange);
        });
    }

    /** {@code /v1/**} but sign-up, {@code /v1/auth/**} and the operator's API. */
    static boolean applies(String path) {
        return path.startsWith("/v1/")
                && !path.equals("/v1/signup")
                && !path.startsWith("/v1/auth/")
                && !path.equals("/v1/operator")
                && !path.startsWith("/v1/operator/");
    }

    /** The tenant's admission, none for a call without a tenant's token or whose plan cannot be read. */
    private Mono<Optional<Admission>> decide(ServerWebExchange exchange) {
        return Caller.of(exchange)
                .map(Caller::tenantId)
                .flatMap(tenantId -> plans.recent(tenantId)
                        .onErrorResume(error -> {
                            log.debug(
                                    "plan of tenant {} unreadable, the call goes on unlimited: {}",
                                    tenantId,
                                    error.toString());
                            return Mono.empty();
                        })
                        .flatMap(plan -> limits.take(quota(tenantId, plan))))
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    /** The bucket of {@code tenantId}'s control-plane calls under {@code plan}. */
    static Quota quota(UUID tenantId, PlanView plan) {
        long rate = plan.apiCallsPerSecond();
        return new Quota(
                LIMIT,
                tenantId.toString(),
                plan.version(),
                List.of(Band.greedy(rate, rate, Duration.ofSeconds(1))),
                tenantId);
    }

    private Mono<Void> refuse(ServerWebExchange exchange) {
        var response = exchange.getResponse();
        ProblemDetail problem = ApiRejected.body(
                ControlPlaneProblem.API_RATE_LIMITED,
                "the tenant's plan allows fewer control-plane calls per second; retry after Retry-After");
        problem.setInstance(exchange.getRequest().getURI());
        response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
