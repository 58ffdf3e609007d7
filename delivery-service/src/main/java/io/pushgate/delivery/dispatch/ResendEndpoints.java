package io.pushgate.delivery.dispatch;

import io.pushgate.api.problem.DeliveryApiProblem;
import io.pushgate.delivery.notification.HotPartitions;
import io.pushgate.delivery.notification.NotificationStatus;
import io.pushgate.delivery.security.ApiRejected;
import io.pushgate.delivery.security.Caller;
import io.pushgate.delivery.security.Problems;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/notifications/{id}:resend} ({@link ResendRoutes}), for a tenant's owners and admins
 * (scope {@code tenant.write}, checked by the security chain): 202 {@code {"notificationId", "status":
 * "accepted"}} when the notification went back to the outbox ({@link Resends}); 409 {@code
 * notification-not-resendable} when it is under way or delivered; 404 {@code not-found}, exactly as
 * the read API's, for another tenant's, an unknown one and an id that is not a UUID. The body, if
 * any, is not read.
 */
@Component
class ResendEndpoints {

    private static final Logger log = LoggerFactory.getLogger(ResendEndpoints.class);
    /** The {@code Retry-After} of a 503: the read API's default. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final Resends resends;

    ResendEndpoints(Resends resends) {
        this.resends = resends;
    }

    Mono<ServerResponse> resend(ServerRequest request) {
        return Caller.current()
                .switchIfEmpty(Mono.error(() -> new ApiRejected(
                        DeliveryApiProblem.UNAUTHENTICATED, "a bearer token with scope tenant.write is required")))
                .flatMap(caller -> resends.resend(caller.tenantId(), id(request.pathVariable("id")), caller.subject()))
                .flatMap(ResendEndpoints::answer)
                .onErrorResume(error -> problem(request, error));
    }

    private static Mono<ServerResponse> answer(Resends.Outcome outcome) {
        if (outcome instanceof Resends.Outcome.Resent resent) {
            return ServerResponse.status(HttpStatus.ACCEPTED)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("notificationId", resent.notificationId().toString(), "status", "accepted"));
        }
        if (outcome instanceof Resends.Outcome.NotResendable refused) {
            boolean resendable = NotificationStatus.of(refused.status())
                    .map(NotificationStatus::isResendable)
                    .orElse(false);
            return Mono.error(new ApiRejected(
                    DeliveryApiProblem.NOT_RESENDABLE,
                    resendable && refused.tooOld()
                            ? "the notification was received too long ago: a re-send's delivery window must end within "
                                    + HotPartitions.WINDOW.toHours() + " hours of the notification's receipt"
                            : "the notification is " + refused.status()
                                    + "; only failed, expired, no_device and token_invalid ones can be re-sent"));
        }
        return Mono.error(notFound());
    }

    private static UUID id(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException notAnId) {
            throw notFound();
        }
    }

    /** The read API's answer for a notification the caller's tenant does not have. */
    private static ApiRejected notFound() {
        return new ApiRejected(DeliveryApiProblem.NOT_FOUND, "no such notification");
    }

    private static Mono<ServerResponse> problem(ServerRequest request, Throwable error) {
        if (error instanceof ApiRejected rejected) {
            return Problems.answer(rejected);
        }
        log.warn("{} {} failed: {}", request.method(), request.path(), error.toString());
        return Problems.answer(ApiRejected.retryLater(
                DeliveryApiProblem.NOTIFICATIONS_UNAVAILABLE,
                "the notification could not be re-sent; try again later",
                RETRY_AFTER));
    }
}
