package io.pushgate.tenant.credential;

import io.pushgate.tenant.credential.Credentials.CredentialView;
import io.pushgate.tenant.platform.ApiRejected;
import io.pushgate.tenant.platform.Caller;
import io.pushgate.tenant.platform.Fields;
import io.pushgate.tenant.platform.Page;
import java.time.Clock;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code /v1/credentials}: provider credentials. The material is checked, sealed with the
 * credential's id and never answered; {@code PUT /v1/credentials/{id}} replaces it (rotation). An
 * {@code apns} credential authenticates with a token key ({@code p8Key}) or a certificate ({@code
 * certificate}: a .p12, base64, with {@code certificatePassword}); a replacement may switch between them.
 */
@RestController
@RequestMapping("/v1/credentials")
class CredentialEndpoints {

    /** The create (and replace) body; {@link #toString()} leaves the material out. */
    record CredentialRequest(
            String type,
            String name,
            String serviceAccountJson,
            String p8Key,
            String keyId,
            String teamId,
            String topic,
            String environment,
            String certificate,
            String certificatePassword) {
        @Override
        public String toString() {
            return "CredentialRequest[type=" + type + ", name=" + name + "]";
        }
    }

    private final Credentials credentials;
    private final ObjectMapper json;
    private final Clock clock;

    CredentialEndpoints(Credentials credentials, ObjectMapper json, Clock clock) {
        this.credentials = credentials;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping
    Mono<ResponseEntity<CredentialView>> create(Caller caller, @RequestBody CredentialRequest body) {
        String name = Fields.text("name", body.name(), 200);
        return credentials
                .create(caller, name, material(body))
                .map(view -> ResponseEntity.status(HttpStatus.CREATED).body(view));
    }

    @GetMapping
    Mono<Page<CredentialView>> list(
            Caller caller,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer limit) {
        return credentials.list(caller, cursor, limit);
    }

    @GetMapping("/{id}")
    Mono<CredentialView> get(Caller caller, @PathVariable String id) {
        return credentials.one(caller.tenantId(), Fields.pathId(id, "credential"));
    }

    /** Replaces the material (and the name): the type stays what it was. */
    @PutMapping("/{id}")
    Mono<CredentialView> replace(Caller caller, @PathVariable String id, @RequestBody CredentialRequest body) {
        UUID credentialId = Fields.pathId(id, "credential");
        String name = Fields.text("name", body.name(), 200);
        return credentials.replace(caller, credentialId, name, material(body));
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<Void>> delete(Caller caller, @PathVariable String id) {
        return credentials
                .delete(caller, Fields.pathId(id, "credential"))
                .thenReturn(ResponseEntity.noContent().build());
    }

    private CredentialMaterial material(CredentialRequest body) {
        if (body.type() == null) {
            throw ApiRejected.invalidField("type", "is required: sandbox, fcm or apns");
        }
        CredentialType type = CredentialType.of(body.type())
                .orElseThrow(() -> ApiRejected.invalidField("type", "must be sandbox, fcm or apns"));
        return switch (type) {
            case SANDBOX -> CredentialMaterial.sandbox();
            case FCM -> CredentialMaterial.fcm(body.serviceAccountJson(), json);
            case APNS -> apns(body);
        };
    }

    /** An APNs token key ({@code p8Key}, key id, team id) or an APNs certificate ({@code certificate}, a .p12). */
    private CredentialMaterial apns(CredentialRequest body) {
        boolean certificate = body.certificate() != null && !body.certificate().isBlank();
        if (certificate && body.p8Key() != null && !body.p8Key().isBlank()) {
            throw ApiRejected.invalidField(
                    "certificate", "give either a token key (p8Key) or a certificate (certificate), not both");
        }
        return certificate
                ? CredentialMaterial.apnsCertificate(
                        body.certificate(), body.certificatePassword(), body.topic(), body.environment(), clock)
                : CredentialMaterial.apns(body.p8Key(), body.keyId(), body.teamId(), body.topic(), body.environment());
    }
}
