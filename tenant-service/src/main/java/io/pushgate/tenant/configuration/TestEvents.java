package io.pushgate.tenant.configuration;

import io.pushgate.api.AxpSignature;
import io.pushgate.api.axp.AxpEvent;
import io.pushgate.api.axp.InvalidAxpEventException;
import io.pushgate.api.problem.ControlPlaneProblem;
import io.pushgate.api.secret.SecretCipher;
import io.pushgate.tenant.audit.AuditAction;
import io.pushgate.tenant.audit.AuditLog;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.PlatformSettings;
import io.pushgate.tenant.platform.Randoms;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Test events: an event made and signed exactly as AXP makes and signs a callback, with the
 * configuration's current secret, for the caller to POST to the configuration's public callback URL.
 * The secret never leaves this service; only the event's signature does.
 */
@Service
class TestEvents {

    /** Every test event's {@code eventId} starts with it: how a test is told apart from AXP's own calls. */
    static final String EVENT_ID_PREFIX = "pushgate-test-";

    /** AXP's {@code eventDate}: ISO-8601 in UTC with milliseconds, e.g. {@code 2024-03-18T11:00:24.481Z}. */
    private static final DateTimeFormatter EVENT_DATE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * A signed test event.
     *
     * @param callbackUrl the configuration's public callback URL, where AXP posts
     * @param body the exact JSON text to POST
     * @param signature the {@code X-hmac} header value for {@code body}
     */
    record SignedTestEvent(String callbackUrl, String body, String signature, String eventId, String sessionId) {
        @Override
        public String toString() {
            return "SignedTestEvent[eventId=" + eventId + "]";
        }
    }

    private record Target(String callbackKey, boolean enabled, String axpConfigurationId, byte[] secret) {}

    private final DatabaseClient db;
    private final SecretCipher cipher;
    private final AuditLog audit;
    private final PlatformSettings platform;
    private final Clock clock;

    TestEvents(DatabaseClient db, SecretCipher cipher, AuditLog audit, PlatformSettings platform, Clock clock) {
        this.db = db;
        this.cipher = cipher;
        this.audit = audit;
        this.platform = platform;
        this.clock = clock;
    }

    /**
     * Makes and signs a test event for the caller's configuration {@code id}, for {@code sessionId},
     * or for a new test session when it is null (whose device the caller registers next: the
     * configuration then needs its AXP Configuration Id).
     */
    Mono<SignedTestEvent> sign(Caller caller, UUID id, String sessionId) {
        String session = sessionId != null ? sessionId : EVENT_ID_PREFIX + Randoms.base64Url(12);
        AxpEvent event;
        try {
            event = new AxpEvent(
                    EVENT_ID_PREFIX + UUID.randomUUID(),
                    session,
                    UUID.randomUUID().toString(),
                    null,
                    EVENT_DATE.format(clock.instant().truncatedTo(ChronoUnit.MILLIS)),
                    Map.of());
        } catch (InvalidAxpEventException e) {
            return Mono.error(
                    ApiRejected.invalidField("sessionId", e.getMessage().replaceFirst("^sessionId ", "")));
        }
        return db.sql("""
                        SELECT callback_key, enabled, axp_configuration_id, secret_ciphertext
                          FROM tenancy.configuration WHERE tenant_id = :tenantId AND id = :id
                        """)
                .bind("tenantId", caller.tenantId())
                .bind("id", id)
                .map(row -> new Target(
                        row.get("callback_key", String.class),
                        Boolean.TRUE.equals(row.get("enabled", Boolean.class)),
                        row.get("axp_configuration_id", String.class),
                        row.get("secret_ciphertext", byte[].class)))
                .one()
                .switchIfEmpty(Mono.error(() -> ApiRejected.notFound("configuration")))
                .flatMap(target -> {
                    if (!target.enabled()) {
                        return Mono.error(new ApiRejected(
                                ControlPlaneProblem.CONFIGURATION_DISABLED,
                                "the configuration is disabled and takes no callbacks; enable it first"));
                    }
                    if (sessionId == null && target.axpConfigurationId() == null) {
                        return Mono.error(new ApiRejected(
                                ControlPlaneProblem.AXP_CONFIGURATION_ID_MISSING,
                                "a test device registers with the configuration's AXP Configuration Id, which it"
                                        + " does not have yet; enter the id AXP shows after saving the configuration"));
                    }
                    String secret = cipher.openText(target.secret(), caller.tenantId(), id);
                    SignedTestEvent signed = new SignedTestEvent(
                            PlatformSettings.withoutTrailingSlash(platform.publicBaseUrl()) + "/axp/callbacks/"
                                    + target.callbackKey(),
                            event.toJson(),
                            AxpSignature.sign(secret, event.eventId(), event.sessionId()),
                            event.eventId(),
                            event.sessionId());
                    return audit.changed(caller, AuditAction.CONFIGURATION_TEST_EVENT, "configuration:" + id)
                            .thenReturn(signed);
                });
    }
}
