package io.pushgate.delivery.registration;

import io.pushgate.api.http.ClientGone;
import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.configuration.AxpConfiguration;
import io.pushgate.delivery.configuration.AxpConfigurations;
import io.pushgate.delivery.limit.Admission;
import io.pushgate.delivery.limit.RegistrationLimits;
import io.pushgate.delivery.security.ApiRejected;
import io.pushgate.delivery.security.Caller;
import io.pushgate.delivery.security.Problems;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The registration API in its two shapes: the native one ({@code /v1/device-registrations}) and the
 * one of Avaya's sample apps ({@code /custom-notification-connector/device-registrations}, answers
 * {@code {configId, sessionId, deviceToken}}).
 *
 * <p>With a token (the security chain has checked it and its scope), the tenant is the token's: a
 * configId of another tenant is answered 404, like one that does not exist. Without a token, only
 * configurations in open-registration mode take registrations (401 with {@code WWW-Authenticate}
 * otherwise; 404 for an unknown configId, as the Avaya contract says), rate-limited per client
 * address and per configuration, and only such open registrations can be read, searched by session
 * and deleted.
 *
 * <p>Every call is limited ({@link RegistrationLimits}) before anything is read or written: with a
 * token, by the caller's share and its tenant's plan; without, by its address (and, for a
 * registration, by its configuration and its tenant's plan). A refusal is a 429 {@code
 * registration-rate-limited} with {@code Retry-After} and stores nothing; every answer a limit was
 * taken for carries {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset}
 * of the tightest limit.
 */
@Component
class RegistrationEndpoints {

    enum Shape {
        NATIVE,
        AVAYA
    }

    private static final Logger log = LoggerFactory.getLogger(RegistrationEndpoints.class);

    private static final String RATE_LIMIT_SHOWN = RegistrationEndpoints.class.getName() + ".rateLimit";
    private static final String RATE_LIMIT_LIMIT = "RateLimit-Limit";
    private static final String RATE_LIMIT_REMAINING = "RateLimit-Remaining";
    private static final String RATE_LIMIT_RESET = "RateLimit-Reset";

    private final Registrations registrations;
    private final AxpConfigurations configurations;
    private final RegistrationLimits limits;
    private final RegistrationSettings settings;
    private final RequestReader reader = new RequestReader();

    RegistrationEndpoints(
            Registrations registrations,
            AxpConfigurations configurations,
            RegistrationLimits limits,
            RegistrationSettings settings) {
        this.registrations = registrations;
        this.configurations = configurations;
        this.limits = limits;
        this.settings = settings;
    }

    Mono<ServerResponse> register(ServerRequest request, Shape shape) {
        return caller().flatMap(caller -> {
                    String deviceToken = request.pathVariable("deviceToken");
                    return limited(request, caller).then(body(request)).flatMap(body -> {
                        RegistrationRequest registration = shape == Shape.NATIVE
                                ? reader.nativeRegistration(deviceToken, body)
                                : reader.avayaRegistration(deviceToken, body);
                        return configuration(registration.configId())
                                .flatMap(found -> register(request, caller, found, registration, shape));
                    });
                })
                .onErrorResume(this::problem);
    }

    private Mono<ServerResponse> register(
            ServerRequest request,
            Optional<Caller> caller,
            Optional<AxpConfiguration> found,
            RegistrationRequest registration,
            Shape shape) {
        AxpConfiguration configuration = found.filter(AxpConfiguration::enabled)
                .filter(candidate -> caller.isEmpty()
                        || candidate.tenantId().equals(caller.get().tenantId()))
                .orElseThrow(() -> ApiRejected.notFound("no configuration with this configId"));
        boolean open = caller.isEmpty();
        if (open) {
            if (!configuration.openRegistration()) {
                throw new ApiRejected(
                        DeliveryApiProblem.UNAUTHENTICATED,
                        "this configuration takes registrations with a bearer token only");
            }
        }
        Mono<Void> limited = !open
                ? Mono.empty()
                : take(
                                request,
                                limits.admitOpenConfiguration(
                                        configuration.tenantId(),
                                        configuration.id(),
                                        settings.openPerConfigurationLimit(),
                                        settings.openLimitPeriod()),
                                "too many registrations without a token for this configuration")
                        .then(take(
                                request,
                                limits.admitTenant(configuration.tenantId(), configuration.id()),
                                "too many registration calls for the tenant's plan"));
        return limited.then(registrations.register(configuration.tenantId(), configuration.id(), registration, open))
                .switchIfEmpty(Mono.error(() -> new ApiRejected(
                        DeliveryApiProblem.UNAUTHENTICATED,
                        "this device token was registered with a bearer token; change it with one")))
                .flatMap(saved -> {
                    log.info(
                            "registration tenant={} configuration={} deviceToken={} platform={} provider={} open={}",
                            saved.tenantId(),
                            saved.configurationId(),
                            DeviceTokens.fingerprint(saved.deviceToken()),
                            saved.platform().text(),
                            saved.provider().text(),
                            open);
                    return ok(shape == Shape.NATIVE ? nativeView(saved) : avayaView(saved));
                });
    }

    Mono<ServerResponse> get(ServerRequest request, Shape shape) {
        return caller().flatMap(caller -> {
                    String deviceToken = plausibleToken(request);
                    Mono<Registration> found = limited(request, caller)
                            .then(
                                    caller.isPresent()
                                            ? registrations.find(caller.get().tenantId(), deviceToken)
                                            : registrations.findOpen(deviceToken));
                    return found.filter(registration -> shape == Shape.NATIVE || registration.invalidatedAt() == null)
                            .switchIfEmpty(Mono.error(() -> ApiRejected.notFound("no such registration")))
                            .flatMap(registration ->
                                    ok(shape == Shape.NATIVE ? nativeView(registration) : avayaView(registration)));
                })
                .onErrorResume(this::problem);
    }

    Mono<ServerResponse> delete(ServerRequest request) {
        return caller().flatMap(caller -> {
                    String deviceToken = plausibleToken(request);
                    Mono<Boolean> deleted = limited(request, caller)
                            .then(
                                    caller.isPresent()
                                            ? registrations.delete(caller.get().tenantId(), deviceToken)
                                            : registrations.deleteOpen(deviceToken));
                    return deleted.flatMap(done -> {
                        if (!done) {
                            return Mono.error(ApiRejected.notFound("no such registration"));
                        }
                        log.info(
                                "registration deleted tenant={} deviceToken={}",
                                caller.map(known -> known.tenantId().toString()).orElse("open"),
                                DeviceTokens.fingerprint(deviceToken));
                        return ServerResponse.noContent().build();
                    });
                })
                .onErrorResume(this::problem);
    }

    Mono<ServerResponse> search(ServerRequest request, Shape shape) {
        return caller().flatMap(caller -> {
                    return limited(request, caller).then(body(request)).flatMap(body -> {
                        RequestReader.Search search = reader.search(body, shape == Shape.NATIVE);
                        Mono<List<Registration>> found;
                        if (caller.isPresent()) {
                            found = registrations.search(
                                    caller.get().tenantId(), search.sessionId(), search.customerId());
                        } else if (search.customerId() != null) {
                            throw new ApiRejected(
                                    DeliveryApiProblem.UNAUTHENTICATED, "searching by customerId needs a bearer token");
                        } else {
                            found = registrations.searchOpen(search.sessionId());
                        }
                        return found.flatMap(list -> {
                            if (shape == Shape.NATIVE) {
                                return ok(Map.of(
                                        "registrations",
                                        list.stream()
                                                .map(RegistrationEndpoints::nativeView)
                                                .toList()));
                            }
                            if (list.isEmpty()) {
                                return Mono.error(ApiRejected.notFound("no registration of this session"));
                            }
                            return ok(avayaView(list.get(0)));
                        });
                    });
                })
                .onErrorResume(this::problem);
    }

    private static Mono<Optional<Caller>> caller() {
        return Caller.current().map(Optional::of).defaultIfEmpty(Optional.empty());
    }

    /**
     * Takes the call from its first limits: a caller's share and its tenant's plan, or, without a
     * token, the client address's open-registration limit.
     */
    private Mono<Void> limited(ServerRequest request, Optional<Caller> caller) {
        if (caller.isPresent()) {
            Caller known = caller.get();
            return take(
                    request,
                    limits.admitCaller(known.tenantId(), known.issuer(), known.subject()),
                    "too many registration calls for the tenant's plan or for this client");
        }
        return take(
                request,
                limits.admitOpenAddress(address(request), settings.openPerIpLimit(), settings.openLimitPeriod()),
                "too many registrations without a token from this address");
    }

    /**
     * One limit's answer: the {@code RateLimit-*} headers show the tightest limit taken so far (set on
     * the exchange's response, so that every answer carries them, a problem too); a refusal ends the
     * call with a 429 and its {@code Retry-After}.
     */
    private static Mono<Void> take(ServerRequest request, Mono<Admission> admission, String refusal) {
        return admission
                .doOnNext(taken -> {
                    Admission shown = (Admission) request.attributes().get(RATE_LIMIT_SHOWN);
                    Admission tightest = shown == null ? taken : shown.tighter(taken);
                    request.attributes().put(RATE_LIMIT_SHOWN, tightest);
                    HttpHeaders headers = request.exchange().getResponse().getHeaders();
                    headers.set(RATE_LIMIT_LIMIT, Long.toString(tightest.limit()));
                    headers.set(RATE_LIMIT_REMAINING, Long.toString(tightest.remaining()));
                    headers.set(RATE_LIMIT_RESET, Long.toString(tightest.resetSeconds()));
                    if (!taken.allowed()) {
                        throw ApiRejected.retryLater(
                                DeliveryApiProblem.RATE_LIMITED,
                                refusal,
                                Duration.ofSeconds(taken.retryAfterSeconds()));
                    }
                })
                .then();
    }

    private Mono<Optional<AxpConfiguration>> configuration(String configId) {
        return configurations.byAxpConfigurationId(configId).timeout(settings.timeout());
    }

    private static String plausibleToken(ServerRequest request) {
        String deviceToken = request.pathVariable("deviceToken");
        if (!DeviceTokens.isPlausible(deviceToken)) {
            throw ApiRejected.invalidField("deviceToken", "is not an FCM or APNs device token");
        }
        return deviceToken;
    }

    /** The body, read up to the cap; a non-JSON content type is refused (no content type is taken as JSON). */
    private Mono<byte[]> body(ServerRequest request) {
        MediaType type;
        try {
            type = request.headers().contentType().orElse(null);
        } catch (InvalidMediaTypeException e) {
            type = MediaType.APPLICATION_OCTET_STREAM;
        }
        if (type != null
                && !MediaType.APPLICATION_JSON.isCompatibleWith(type)
                && !"json".equals(type.getSubtypeSuffix())) {
            return Mono.error(
                    new ApiRejected(DeliveryApiProblem.UNSUPPORTED_MEDIA_TYPE, "the body must be application/json"));
        }
        int max = (int) settings.maxBodySize().toBytes();
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), max)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(
                        DataBufferLimitException.class,
                        e -> new ApiRejected(
                                DeliveryApiProblem.PAYLOAD_TOO_LARGE,
                                "the body must not be larger than " + max + " bytes"));
    }

    private static String address(ServerRequest request) {
        return request.remoteAddress()
                .map(InetSocketAddress::getAddress)
                .map(address -> address.getHostAddress())
                .orElse(null);
    }

    private static Mono<ServerResponse> ok(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    static Map<String, Object> avayaView(Registration registration) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("configId", registration.configId());
        view.put("sessionId", registration.sessionId());
        view.put("deviceToken", registration.deviceToken());
        return view;
    }

    static Map<String, Object> nativeView(Registration registration) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("deviceToken", registration.deviceToken());
        view.put("configId", registration.configId());
        view.put("sessionId", registration.sessionId());
        putIfSet(view, "customerId", registration.customerId());
        view.put("platform", registration.platform().text());
        view.put("provider", registration.provider().text());
        putIfSet(view, "apnsEnvironment", registration.apnsEnvironment());
        putIfSet(view, "appId", registration.appId());
        view.put("openRegistration", registration.openRegistration());
        view.put("createdAt", registration.createdAt().toString());
        view.put("updatedAt", registration.updatedAt().toString());
        view.put("expiresAt", registration.expiresAt().toString());
        if (registration.invalidatedAt() != null) {
            view.put("invalidatedAt", registration.invalidatedAt().toString());
            putIfSet(view, "invalidatedReason", registration.invalidatedReason());
        }
        return view;
    }

    private static void putIfSet(Map<String, Object> view, String name, Object value) {
        if (value != null) {
            view.put(name, value);
        }
    }

    /**
     * The problem answer of a failure; a client gone mid-request is none of ours and has no answer: it
     * passes on to the service's {@code ClientGoneHandler} (counted, said at DEBUG).
     */
    private Mono<ServerResponse> problem(Throwable error) {
        if (ClientGone.isClientGone(error)) {
            return Mono.error(error);
        }
        ApiRejected rejected;
        if (error instanceof ApiRejected known) {
            rejected = known;
        } else {
            if (error instanceof TimeoutException) {
                log.warn("Registration store did not answer in {}", settings.timeout());
            } else {
                log.warn("Registration store failed: {}", error.toString());
            }
            rejected = ApiRejected.retryLater(
                    DeliveryApiProblem.UNAVAILABLE,
                    "registrations could not be read or written; try again later",
                    settings.retryAfter());
        }
        return Problems.answer(rejected);
    }
}
