package io.pushgate.delivery.dispatch;

import io.micrometer.core.instrument.MeterRegistry;
import io.pushgate.delivery.channel.CredentialUnusableException;
import io.pushgate.delivery.channel.DeliveryOutcome;
import io.pushgate.delivery.channel.ProviderClients;
import io.pushgate.delivery.channel.Push;
import io.pushgate.delivery.channel.PushChannel;
import io.pushgate.delivery.dispatch.Deliveries.Attempt;
import io.pushgate.delivery.dispatch.Deliveries.Claimed;
import io.pushgate.delivery.health.DatabaseStatus;
import io.pushgate.delivery.limit.DeliveryShaping;
import io.pushgate.delivery.notification.AttemptOutcome;
import io.pushgate.delivery.notification.NotificationAccepted;
import io.pushgate.delivery.notification.NotificationsAccepted;
import io.pushgate.delivery.registration.Device;
import io.pushgate.delivery.registration.PushProvider;
import io.pushgate.delivery.registration.Registrations;
import io.pushgate.delivery.stats.Rollups;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Delivers each accepted notification once: finds the device of the session's newest active registration, sends
 * through the credential's channel (in that credential's lane) and records the outcome with the
 * attempt. New notifications come in-process right after their commit, leased to this instance by
 * the inbox ({@link NotificationsAccepted}); the {@link LeaseSweeper} claims the rest (a crashed
 * instance's, retries that are due). Look-ups and outcomes of concurrent deliveries share statements
 * ({@link Deliveries}).
 *
 * <p>An ending the database does not take is kept and written again while the lease holds, and
 * beyond it while the database is away and for {@code outage-hold} after it answers again — the time
 * during which no instance's sweep claims a row whose lease ran out. So a push that was at the
 * provider when the database went away is recorded once it is back, not sent a second time.
 *
 * <p>Stopping lets the sends in flight finish and be recorded, and gives every other claimed row back.
 */
@Service
class Dispatcher implements SmartLifecycle {

    /** How long an ending the database did not take waits before it is written again. */
    private static final Duration FINISH_RETRY = Duration.ofMillis(500);

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final Deliveries deliveries;
    private final Rollups rollups;
    private final Registrations registrations;
    private final DeliveryConfigurations configurations;
    private final ProviderClients clients;
    private final DispatchSettings settings;
    private final RetryPolicy retries;
    private final CredentialLanes lanes;
    private final DispatchMetrics metrics;
    private final DeliveryShaping shaping;
    private final DatabaseStatus database;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean running;

    Dispatcher(
            Deliveries deliveries,
            Registrations registrations,
            DeliveryConfigurations configurations,
            ProviderClients clients,
            DispatchSettings settings,
            DeliveryShaping shaping,
            Rollups rollups,
            DatabaseStatus database,
            MeterRegistry meters) {
        this.shaping = shaping;
        this.database = database;
        this.rollups = rollups;
        this.deliveries = deliveries;
        this.registrations = registrations;
        this.configurations = configurations;
        this.clients = clients;
        this.settings = settings;
        this.retries = new RetryPolicy(settings.initialBackoff(), settings.maxBackoff());
        this.lanes = new CredentialLanes(settings.concurrencyPerCredential());
        this.metrics = new DispatchMetrics(meters, lanes::depth);
    }

    /** Delivers the notifications the inbox has just committed, leased to this instance already. */
    @EventListener
    void accepted(NotificationsAccepted batch) {
        if (!running) {
            giveBack(batch);
            return;
        }
        for (NotificationAccepted accepted : batch.notifications()) {
            track(deliver(Claimed.accepted(accepted)));
        }
    }

    /**
     * This instance does not dispatch (disabled, or stopping): the rows the inbox leased to it go
     * back at once, so another instance's sweep takes them without waiting for the lease to end.
     */
    private void giveBack(NotificationsAccepted batch) {
        List<Claimed> held =
                batch.notifications().stream().map(Claimed::accepted).toList();
        deliveries
                .releaseAll(held)
                .subscribe(
                        released -> {},
                        error -> log.warn(
                                "{} new notifications could not be given back; they wait for their lease to end: {}",
                                held.size(),
                                error.toString()));
    }

    /**
     * Delivers a notification that a re-send has just put back, leased to this instance already; when
     * this instance does not dispatch, it goes back at once for another instance's sweep.
     */
    void resent(Claimed notification) {
        if (!running) {
            deliveries
                    .releaseAll(List.of(notification))
                    .subscribe(
                            released -> {},
                            error -> log.warn(
                                    "A re-sent notification could not be given back; it waits for its lease to end: {}",
                                    error.toString()));
            return;
        }
        track(deliver(notification));
    }

    /** Claims the notification {@code id} received at {@code receivedAt} if nobody holds it, and delivers it. */
    void claimAndDeliver(UUID id, Instant receivedAt) {
        track(deliveries.claim(id, receivedAt, settings.lease()).flatMap(this::deliver));
    }

    /** Claims up to a batch of overdue notifications and starts delivering them; emits how many. */
    Mono<Integer> sweep() {
        if (!running) {
            return Mono.just(0);
        }
        // A tenant whose lane is backed up (a slow provider, or a credential shaped to its rate with
        // a burst waiting its turn) gets nothing more from the sweep until its lanes catch up: its rows
        // would only queue there, their leases running out. That backlog counts against nobody else's
        // claims: every other tenant's overdue rows are claimed as if it were not there. What the other
        // lanes hold still counts: a full batch waiting in them leaves the rest to this or another
        // instance's next sweep.
        CredentialLanes.Backlog backlog = lanes.backlog();
        if (backlog.otherDepth() >= settings.sweepBatchSize()) {
            return Mono.just(0);
        }
        return deliveries
                .claimOverdue(settings.lease(), settings.sweepBatchSize(), backlog.backedUpTenants())
                .doOnNext(claimed -> track(deliver(claimed)))
                .count()
                .map(Long::intValue);
    }

    Mono<Void> measureBacklog() {
        return deliveries
                .oldestUnfinishedAge()
                .doOnNext(metrics::oldestUnfinished)
                .then();
    }

    private void track(Mono<Boolean> work) {
        inFlight.incrementAndGet();
        work.doFinally(signal -> inFlight.decrementAndGet())
                .subscribe(
                        recorded -> {},
                        error -> log.warn(
                                "Delivery interrupted, the notification waits for its lease to run out: {}",
                                error.toString()));
    }

    private Mono<Boolean> deliver(Claimed notification) {
        return configurations
                .get(notification.configurationId())
                .flatMap(configuration -> {
                    Instant deadline = notification.windowOpened().plus(configuration.deliveryWindow());
                    if (!Instant.now().isBefore(deadline)) {
                        return finish(notification, Ending.windowClosed("the delivery window closed"));
                    }
                    return deliveries
                            .device(notification)
                            .flatMap(device -> route(notification, configuration, device, deadline))
                            .switchIfEmpty(Mono.defer(() -> finish(notification, Ending.noDevice())));
                })
                .switchIfEmpty(Mono.defer(() -> finish(notification, Ending.configurationDeleted())));
    }

    private Mono<Boolean> route(
            Claimed notification, DeliveryConfiguration configuration, Device device, Instant deadline) {
        Optional<DeliveryConfiguration.CredentialRef> credential =
                configuration.credentialFor(device.platform(), device.provider());
        if (credential.isEmpty()) {
            return refused(
                    notification,
                    device,
                    null,
                    "no_credential",
                    "no " + (device.provider() == PushProvider.APNS ? "APNs" : "FCM")
                            + " credential for " + device.platform().text()
                            + ": set the configuration's default credential");
        }
        UUID credentialId = credential.get().id();
        String apnsEnvironment = device.provider() == PushProvider.APNS ? device.apnsEnvironment() : null;
        return clients.channel(notification.tenantId(), credentialId, apnsEnvironment)
                .flatMap(channel -> send(notification, configuration, device, credentialId, channel, deadline))
                .switchIfEmpty(Mono.defer(() ->
                        refused(notification, device, credentialId, "no_credential", "the credential was deleted")))
                .onErrorResume(
                        CredentialUnusableException.class,
                        e -> refused(notification, device, credentialId, "credential_unusable", e.getMessage()));
    }

    private Mono<Boolean> send(
            Claimed notification,
            DeliveryConfiguration configuration,
            Device device,
            UUID credentialId,
            PushChannel channel,
            Instant deadline) {
        Map<String, String> fields = notification.fields();
        Push push = new Push(
                notification.id(),
                device.deviceToken(),
                device.platform(),
                fields,
                configuration.titleOrDefault(),
                configuration.bodyOrDefault(),
                fields.getOrDefault("conversationId", notification.sessionId()),
                deadline,
                device.provider() == PushProvider.APNS ? device.appId() : null);
        return lanes.run(notification.tenantId(), credentialId, () -> {
                    // over the credential's rate, the push waits its turn here, in its own lane
                    // (holding one of its permits, so one credential's backlog waits in its lane only)
                    Mono<Void> turn = shaping.turn(notification.tenantId(), credentialId);
                    return turn == null
                            ? attempt(notification, channel, push, deadline)
                            : turn.then(Mono.defer(() -> attempt(notification, channel, push, deadline)));
                })
                // from here on, the notification as held for the send (its lease may have been renewed)
                .flatMap(sent -> sent.windowClosed()
                        ? finish(
                                sent.held(),
                                Ending.windowClosed("the delivery window closed before a send was possible"))
                        : record(sent.held(), device, credentialId, channel.provider(), sent, deadline))
                .defaultIfEmpty(false);
    }

    /** Sends if the notification is still this instance's and its window open. */
    private Mono<Sent> attempt(Claimed notification, PushChannel channel, Push push, Instant deadline) {
        return stillMine(notification).flatMap(held -> {
            if (!Instant.now().isBefore(deadline)) {
                // it waited in its lane (or for its credential's rate) past the delivery window
                return Mono.just(Sent.windowClosed(held));
            }
            long start = System.nanoTime();
            return channel.send(push)
                    .map(outcome -> new Sent(held, outcome, Duration.ofNanos(System.nanoTime() - start)));
        });
    }

    /**
     * The notification as this instance holds it for a send, or nothing when it may not send: a
     * stopping instance gives the row back; one whose lease has too little left for a send renews it
     * first (and holds it until the new end), and does not send if another took it over.
     */
    private Mono<Claimed> stillMine(Claimed notification) {
        if (!running) {
            return deliveries.releaseAll(List.of(notification)).then(Mono.empty());
        }
        // a send needs the lease to outlast it: with less than two thirds of a dispatch lease left
        // (a row that waited in its lane, or one the inbox leased for a short pushgate.inbox.lease)
        // the lease is renewed first
        Duration left = Duration.between(Instant.now(), notification.leaseEnds());
        if (left.compareTo(settings.lease().multipliedBy(2).dividedBy(3)) >= 0) {
            return Mono.just(notification);
        }
        // taken before the statement, so never later than the database's own end of the lease
        Instant renewedUntil = Instant.now().plus(settings.lease());
        return deliveries
                .renew(notification, settings.lease())
                .filter(renewed -> renewed)
                .map(renewed -> notification.renewedUntil(renewedUntil));
    }

    private Mono<Boolean> record(
            Claimed notification,
            Device device,
            UUID credentialId,
            PushProvider provider,
            Sent sent,
            Instant deadline) {
        Instant answered = Instant.now();
        DeliveryOutcome outcome = sent.outcome();
        double latencyMs = sent.latency().toNanos() / 1_000_000.0;
        String code = outcome.errorCode();
        if (outcome instanceof DeliveryOutcome.Accepted) {
            metrics.sent(provider, AttemptOutcome.DELIVERED, sent.latency());
            return finish(
                    notification,
                    answered,
                    Ending.delivered(
                            new Attempt(provider, credentialId, AttemptOutcome.DELIVERED, null, latencyMs, true)));
        }
        if (outcome instanceof DeliveryOutcome.TokenRejected) {
            metrics.sent(provider, AttemptOutcome.TOKEN_INVALID, sent.latency());
            metrics.invalidated(provider, code);
            log.info(
                    "Registration {} invalidated: {} rejected token {} with {}",
                    device.registrationId(),
                    provider.text(),
                    Push.redact(device.deviceToken()),
                    code);
            return registrations
                    .invalidate(device.registrationId(), code)
                    .doOnNext(removed -> {
                        if (removed > 0) {
                            rollups.registrationRemovedAsDead(notification.tenantId(), notification.configurationId());
                        }
                    })
                    .then(finish(
                            notification,
                            answered,
                            Ending.tokenInvalid(
                                    new Attempt(
                                            provider,
                                            credentialId,
                                            AttemptOutcome.TOKEN_INVALID,
                                            code,
                                            latencyMs,
                                            true),
                                    "the provider rejected the device token: " + code)));
        }
        if (outcome instanceof DeliveryOutcome.Rejected) {
            metrics.sent(provider, AttemptOutcome.FAILED, sent.latency());
            return finish(
                    notification,
                    answered,
                    Ending.failed(
                            new Attempt(provider, credentialId, AttemptOutcome.FAILED, code, latencyMs, true),
                            "the provider refused the credential or the request: " + code));
        }
        DeliveryOutcome.Transient failure = (DeliveryOutcome.Transient) outcome;
        metrics.sent(provider, AttemptOutcome.RETRY, sent.latency());
        Attempt attempt = new Attempt(provider, credentialId, AttemptOutcome.RETRY, code, latencyMs, true);
        Duration wait = retries.backoff(notification.attempts() + 1, failure.retryAfter());
        Instant next = Instant.now().plus(wait);
        if (!next.isBefore(deadline)) {
            return finish(
                    notification,
                    answered,
                    Ending.windowClosedRetrying(
                            attempt, "the delivery window closed while retrying (last: " + code + ")"));
        }
        metrics.retried(provider);
        return deliveries.retryAt(notification, attempt, next).doOnNext(mine -> {
            if (!mine) {
                superseded(notification, attempt, "retry at " + next);
            } else {
                // any instance's sweeper takes it when due; this one tries right then
                Mono.delay(wait.plusMillis(5)).subscribe(tick -> {
                    if (running) {
                        claimAndDeliver(notification.id(), notification.receivedAt());
                    }
                });
            }
        });
    }

    /** No send was possible for a reason of the tenant's set-up: recorded as a failed attempt without latency. */
    private Mono<Boolean> refused(Claimed notification, Device device, UUID credentialId, String code, String detail) {
        log.info("Notification {} of tenant {} failed: {}", notification.id(), notification.tenantId(), detail);
        return finish(
                notification,
                Ending.failed(
                        new Attempt(device.provider(), credentialId, AttemptOutcome.FAILED, code, 0, false), detail));
    }

    private Mono<Boolean> finish(Claimed notification, Ending ending) {
        return finish(notification, Instant.now(), ending);
    }

    /**
     * Ends the notification; {@code answered} is when the provider answered the ending's attempt, if
     * one was sent (the dashboard's accept → provider latency counts from the notification's receipt).
     */
    private Mono<Boolean> finish(Claimed notification, Instant answered, Ending ending) {
        return deliveries
                .finish(notification, ending)
                // the database did not take it (down, restarting): the push may have reached the
                // provider already, and a row left unfinished goes out again once another instance
                // claims it — so the ending is written again while the lease holds, and past its end
                // for as long as no sweep claims such rows: while the database is away and for the
                // outage hold after it answers again
                .retryWhen(Retry.fixedDelay(Long.MAX_VALUE, FINISH_RETRY)
                        .filter(error -> Instant.now().plus(FINISH_RETRY).isBefore(notification.leaseEnds())
                                || !database.steadyFor(settings.outageHold())))
                .doOnNext(mine -> {
                    if (mine) {
                        Attempt attempt = ending.attempt();
                        metrics.finished(
                                notification.tenantId(), attempt == null ? null : attempt.provider(), ending.status());
                        rollups.notificationFinished(
                                notification.tenantId(),
                                notification.configurationId(),
                                ending.status(),
                                attempt != null && attempt.sent()
                                        ? Duration.between(notification.windowOpened(), answered)
                                        : null);
                        log.debug(
                                "Notification {} finished: {} {}",
                                notification.id(),
                                ending.status().text(),
                                ending.reason() == null ? "" : ending.reason());
                    } else {
                        superseded(
                                notification, ending.attempt(), ending.status().text());
                    }
                });
    }

    /**
     * The outcome of {@code notification} was not written: its lease had passed to another holder (it
     * outlasted its lease — a slow send or a slow database — and a sweep claimed it again). The new
     * holder sends it again if it has not finished it yet, so a push the provider took is a possible
     * duplicate: counted and said, never silent.
     */
    private void superseded(Claimed notification, Attempt attempt, String outcome) {
        boolean delivered = attempt != null && attempt.outcome() == AttemptOutcome.DELIVERED;
        metrics.superseded(attempt == null ? null : attempt.provider(), delivered);
        log.info(
                "Notification {} of tenant {}: its outcome ({}) was not recorded, its lease had passed to another"
                        + " holder (claimed until {}){}",
                notification.id(),
                notification.tenantId(),
                outcome,
                notification.leaseEnds(),
                delivered ? "; the provider had taken its push, which may go out again" : "");
    }

    /**
     * A send's outcome and latency, with the notification as held for it; a null outcome when no send
     * was made because the delivery window closed while the notification waited for its lane.
     */
    private record Sent(Claimed held, DeliveryOutcome outcome, Duration latency) {

        static Sent windowClosed(Claimed held) {
            return new Sent(held, null, Duration.ZERO);
        }

        boolean windowClosed() {
            return outcome == null;
        }
    }

    @Override
    public void start() {
        running = settings.enabled();
    }

    /** Waits (up to {@code stop-timeout}) for the sends in flight to be answered and recorded. */
    @Override
    public void stop() {
        running = false;
        long until = System.nanoTime() + settings.stopTimeout().toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (inFlight.get() > 0) {
            log.warn(
                    "Stopped with {} deliveries unfinished: their leases run out and another instance takes them",
                    inFlight.get());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server and the database pool (lower phases stop later). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }
}
