package io.pushgate.delivery.limit;

import io.pushgate.delivery.configuration.Plans;
import io.pushgate.delivery.configuration.TenantPlan;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The registration API's limits, on the same buckets as the callbacks' ({@link Limits}):
 *
 * <ul>
 *   <li>per tenant, every call of the API, from the plan's {@code registrationsPerSecond} (a second's
 *       worth at once);
 *   <li>per caller, an app client or a trusted issuer's subject: {@code
 *       pushgate.limits.registration-subject-share} percent of the tenant's rate and burst, so that one
 *       runaway client or user never takes the whole tenant's limit from the others;
 *   <li>without a token (open registration), per client address (every call) and per configuration
 *       (every registration), from {@code pushgate.registration.open-*}; an open registration counts
 *       against its tenant's limit too.
 * </ul>
 *
 * With the {@code redis} backend a Redis that does not answer never means "no limit": the instance's
 * local share decides.
 */
@Component
public class RegistrationLimits {

    private final Plans plans;
    private final Limits limits;
    private final int subjectShare;

    RegistrationLimits(Plans plans, Limits limits, LimitSettings settings) {
        this.plans = plans;
        this.limits = limits;
        this.subjectShare = settings.registrationSubjectShare();
    }

    /**
     * Takes one call of a caller with a token: from its subject's share first (a refused subject
     * spends nothing of its tenant's), then from the tenant's limit. The answer is the refusal, or the
     * tighter of the two. Fails only when the plan cannot be read.
     */
    public Mono<Admission> admitCaller(UUID tenantId, String issuer, String subject) {
        return plans.of(tenantId).flatMap(plan -> {
            Rate tenant = Rates.registrations(plan);
            String caller = tenantId + ":" + digest(issuer + "\n" + subject);
            return limits.take(
                            LimitKind.REGISTRATIONS_PER_SUBJECT, caller, tenant.percent(subjectShare), tenantId, null)
                    .flatMap(own -> own.allowed() ? tenant(plan, null).map(own::tighter) : Mono.just(own));
        });
    }

    /** Takes one open registration of {@code configurationId} from its tenant's limit. */
    public Mono<Admission> admitTenant(UUID tenantId, UUID configurationId) {
        return plans.of(tenantId).flatMap(plan -> tenant(plan, configurationId));
    }

    /** Takes one call without a token from {@code address}: {@code limit} per {@code period}. */
    public Mono<Admission> admitOpenAddress(String address, long limit, Duration period) {
        return limits.take(
                LimitKind.OPEN_REGISTRATIONS_PER_ADDRESS,
                address == null ? "unknown" : address,
                new Rate(limit, period, limit, 0),
                null,
                null);
    }

    /** Takes one registration without a token on {@code configurationId}: {@code limit} per {@code period}. */
    public Mono<Admission> admitOpenConfiguration(UUID tenantId, UUID configurationId, long limit, Duration period) {
        return limits.take(
                LimitKind.OPEN_REGISTRATIONS_PER_CONFIGURATION,
                configurationId,
                new Rate(limit, period, limit, 0),
                tenantId,
                configurationId);
    }

    private Mono<Admission> tenant(TenantPlan plan, UUID configurationId) {
        return limits.take(
                LimitKind.REGISTRATIONS, plan.tenantId(), Rates.registrations(plan), plan.tenantId(), configurationId);
    }

    /** A short stable name for an issuer's subject (kept out of Redis keys and memory in full). */
    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
