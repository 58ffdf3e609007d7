package io.pushgate.delivery.warmup;

import io.pushgate.api.AxpSignature;
import io.pushgate.api.axp.AxpEvent;
import io.pushgate.delivery.channel.DeliveryOutcome;
import io.pushgate.delivery.channel.ProviderClients;
import io.pushgate.delivery.channel.PushChannel;
import io.pushgate.delivery.configuration.Configurations;
import io.pushgate.delivery.dispatch.DeliveryRehearsal;
import io.pushgate.delivery.notification.Inbox;
import io.pushgate.delivery.notification.NewNotification;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Compiles the hot paths before the first real callback instead of during it: between the web
 * server's start and readiness, the service runs its callback and dispatch paths with synthetic work
 * that no tenant and no provider ever sees. Spring Boot reports ready ({@code ReadinessState
 * .ACCEPTING_TRAFFIC}) only after every {@link ApplicationRunner} has returned, so {@code
 * /actuator/health/readiness} stays {@code OUT_OF_SERVICE} until this one has, and a launcher or load
 * balancer that waits for readiness sends nothing before.
 *
 * <p>At once, bounded by {@code pushgate.warmup.timeout}:
 *
 * <ul>
 *   <li>{@code callbacks} signed callbacks over loopback to this service's own callback URL, for a
 *       configuration that exists only in this process ({@link Synthetic}, served by {@link
 *       Configurations#serveSynthetic} for as long as the warm-up runs): Netty, WebFlux, the
 *       security chain, the HMAC check, the event reader and the inbox's grouped insert, which
 *       {@link Inbox#rehearse(NewNotification)} rolls back;
 *   <li>{@code deliveries} synthetic notifications inserted and taken through the dispatcher's
 *       statements ({@link DeliveryRehearsal}) in transactions that are rolled back;
 *   <li>as many pushes through firebase-admin, as every FCM credential's client sends them, to an
 *       {@link FcmStandIn} on loopback.
 * </ul>
 *
 * <p>The port is open meanwhile: a tenant's callback that arrives is handled as ever (the inbox never
 * groups it with synthetic ones). A warm-up that fails (the database unreachable, a synthetic answer
 * other than the expected one) or does not end in time is logged, and the service is ready without
 * the rest of it: it never holds readiness for longer than its timeout.
 *
 * <p>It gives way on a machine that is busy with other work ({@code pushgate.warmup.yield-above}):
 * when other processes have used more than that share of the CPU in each of the last {@link
 * #BUSY_READINGS} seconds, the service is ready at once without the rest. There its synthetic work
 * would take CPU from the instances that serve (on two cores at 2,000 callbacks/s the warm-up ran
 * into its whole timeout, and a crashed instance was ready again only after 34–113 s), while the
 * compiling it does ahead has to happen anyway, under the real traffic.
 */
@Component
class Warmup implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(Warmup.class);

    /** Synthetic notifications per rehearsed transaction: a group like the inbox's under load. */
    private static final int DELIVERY_GROUP = 50;

    /** Rehearsed transactions at once, each holding a connection of the pool. */
    private static final int DELIVERY_TRANSACTIONS = 2;

    /** Readings of the machine's load, a second apart, all above {@code yield-above} before the warm-up gives way. */
    static final int BUSY_READINGS = 3;

    private static final Duration LOAD_READING = Duration.ofSeconds(1);

    private final WarmupSettings settings;
    private final Configurations configurations;
    private final Inbox inbox;
    private final DeliveryRehearsal deliveries;
    private final ProviderClients clients;
    private final ApplicationContext context;
    private final Environment environment;
    private final MachineLoad load = MachineLoad.ofThisMachine();

    /** The warm-up's made-up tenant and configuration while it runs, else {@code null}. */
    private volatile Synthetic current;

    /** What the last warm-up did, for its tests. */
    private volatile WarmupRun last;

    Warmup(
            WarmupSettings settings,
            Configurations configurations,
            Inbox inbox,
            DeliveryRehearsal deliveries,
            ProviderClients clients,
            ApplicationContext context,
            Environment environment) {
        this.settings = settings;
        this.configurations = configurations;
        this.inbox = inbox;
        this.deliveries = deliveries;
        this.clients = clients;
        this.context = context;
        this.environment = environment;
    }

    @Override
    public void run(ApplicationArguments arguments) {
        if (!settings.enabled()) {
            log.info("Warm-up off (pushgate.warmup.enabled=false): ready without it");
            return;
        }
        long started = System.nanoTime();
        long cpuAtStart = processCpuNanos();
        Optional<URI> callbackBase = callbackBase();
        log.info(
                "Warm-up started: {} synthetic callbacks {}, {} synthetic deliveries (statements rolled back,"
                        + " sends to a loopback FCM stand-in), {} at once; ready when it ends, within {}",
                callbackBase.isPresent() ? settings.callbacks() : 0,
                callbackBase.isPresent() ? "over loopback" : "(no web server: none)",
                settings.deliveries(),
                settings.concurrency(),
                settings.timeout());
        Counts counts = new Counts();
        Busy busy = new Busy();
        String failure = null;
        String gaveWay = null;
        long standInSends = 0;
        Synthetic synthetic = Synthetic.create();
        try (Resources resources = new Resources()) {
            resources.add(configurations.serveSynthetic(synthetic.callbackKey(), synthetic.configuration()));
            FcmStandIn standIn = resources.add(FcmStandIn.start());
            PushChannel channel = clients.fcmRehearsal(standIn.baseUri(), standIn.projectId(), standIn.accessToken());
            resources.add(channel::close);
            ConnectionProvider connections = ConnectionProvider.builder("pushgate-warmup")
                    .maxConnections(settings.concurrency())
                    .pendingAcquireMaxCount(-1)
                    .build();
            resources.add(connections::dispose);
            current = synthetic;
            List<Mono<Void>> stages = new ArrayList<>();
            callbackBase.ifPresent(base -> stages.add(
                    timed(callbacks(base, connections, synthetic, counts), counts.took, "callbacks", started)));
            stages.add(timed(rehearsals(synthetic, counts), counts.took, "statements", started));
            stages.add(timed(sends(channel, synthetic, counts), counts.took, "sends", started));
            // the stages end with "" and lose to a busy machine's reason, which cancels them
            CompletableFuture<String> work = Mono.firstWithSignal(
                            Mono.when(stages).thenReturn(""), busyMachine(busy))
                    .toFuture();
            try {
                context.publishEvent(new WarmupStarted(settings.callbacks(), settings.deliveries()));
                long left = settings.timeout().toNanos() - (System.nanoTime() - started);
                String reason = work.get(Math.max(0, left), TimeUnit.NANOSECONDS);
                gaveWay = reason.isEmpty() ? null : reason;
            } finally {
                work.cancel(true); // nothing when it has ended
                standInSends = standIn.sends();
            }
        } catch (TimeoutException e) {
            failure = "it did not end within " + settings.timeout() + " (pushgate.warmup.timeout)";
        } catch (ExecutionException e) {
            failure = String.valueOf(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "it was interrupted";
        } catch (Exception e) {
            failure = e.toString();
        } finally {
            current = null;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        last = new WarmupRun(
                counts.callbacks.get(), counts.rehearsed.get(), counts.sends.get(), standInSends, failure, gaveWay);
        String done = String.format(
                Locale.ROOT,
                "%d synthetic callbacks answered 202, %d synthetic deliveries' statements rolled back, %d sends taken"
                        + " by the FCM stand-in (stages done after: %s; %s)",
                counts.callbacks.get(),
                counts.rehearsed.get(),
                standInSends,
                counts.took.isEmpty() ? "none" : String.join(", ", counts.took),
                busy.summary());
        if (failure == null && gaveWay == null) {
            log.info("Warm-up ended in {} (process CPU {}): {}; ready", seconds(took), cpuSince(cpuAtStart), done);
        } else if (failure == null) {
            log.info(
                    "Warm-up gave way after {} (process CPU {}): {}; {}; ready without the rest of it",
                    seconds(took),
                    cpuSince(cpuAtStart),
                    gaveWay,
                    done);
        } else {
            log.warn(
                    "Warm-up failed after {} (process CPU {}): {}; {}; ready without the rest of it",
                    seconds(took),
                    cpuSince(cpuAtStart),
                    failure,
                    done);
        }
    }

    /**
     * Completes with why the warm-up gives way once other processes have used more than {@code
     * yield-above} of the machine's CPU in each of the last {@link #BUSY_READINGS} readings; never
     * completes otherwise (nor with {@code yield-above} 1, as no share is above it, nor where the platform does
     * not say).
     */
    private Mono<String> busyMachine(Busy busy) {
        load.othersShare(); // the first reading covers no interval of the warm-up's
        return Flux.interval(LOAD_READING)
                .<String>handle((tick, sink) -> {
                    OptionalDouble share = load.othersShare();
                    if (share.isEmpty()) {
                        return;
                    }
                    busy.add(share.getAsDouble());
                    if (busy.lastAllAbove(BUSY_READINGS, settings.yieldAbove())) {
                        sink.next(String.format(
                                Locale.ROOT,
                                "other processes used %s of the machine's CPU in the last %d s, each more than"
                                        + " pushgate.warmup.yield-above (%s)",
                                busy.last(BUSY_READINGS),
                                BUSY_READINGS,
                                percent(settings.yieldAbove())));
                    }
                })
                .next();
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f %%", share * 100);
    }

    /** {@code stage}, noting in {@code took} when it is done, counted from {@code started}. */
    private static Mono<Void> timed(Mono<Void> stage, List<String> took, String name, long started) {
        return stage.doOnSuccess(done -> took.add(name + " " + seconds(Duration.ofNanos(System.nanoTime() - started))));
    }

    /** The synthetic callbacks, {@code concurrency} at once; the first answer other than 202 fails them. */
    private Mono<Void> callbacks(URI base, ConnectionProvider connections, Synthetic synthetic, Counts counts) {
        HttpClient client = HttpClient.create(connections).baseUrl(base.toString());
        String path = "/axp/callbacks/" + synthetic.callbackKey();
        return Flux.range(0, settings.callbacks())
                .flatMap(
                        n -> {
                            AxpEvent event = synthetic.event(n);
                            return client.headers(headers -> headers.set("Content-Type", "application/json")
                                            .set(AxpSignature.HEADER, event.signature(synthetic.secret())))
                                    .post()
                                    .uri(path)
                                    .send(ByteBufFlux.fromString(Mono.just(event.toJson())))
                                    .responseSingle((response, body) -> body.asString()
                                            .defaultIfEmpty("")
                                            .map(text ->
                                                    new Answer(response.status().code(), text)));
                        },
                        settings.concurrency())
                .concatMap(answer -> {
                    if (answer.status() != 202) {
                        return Mono.error(new IllegalStateException("a synthetic callback was answered "
                                + answer.status() + " "
                                + answer.body()
                                        .substring(
                                                0, Math.min(300, answer.body().length()))));
                    }
                    counts.callbacks.incrementAndGet();
                    return Mono.empty();
                })
                .then();
    }

    /** The synthetic deliveries' statements, a group of them per transaction, each rolled back. */
    private Mono<Void> rehearsals(Synthetic synthetic, Counts counts) {
        int total = settings.deliveries();
        int groups = (total + DELIVERY_GROUP - 1) / DELIVERY_GROUP;
        return Flux.range(0, groups)
                .flatMap(
                        group -> {
                            List<NewNotification> batch = new ArrayList<>(DELIVERY_GROUP);
                            for (int n = group * DELIVERY_GROUP;
                                    n < Math.min(total, (group + 1) * DELIVERY_GROUP);
                                    n++) {
                                batch.add(synthetic.notification(n));
                            }
                            return inbox.rehearse(batch, deliveries::rehearse).flatMap(finished -> {
                                if (finished != batch.size()) {
                                    return Mono.error(new IllegalStateException("a rehearsal finished " + finished
                                            + " of " + batch.size() + " notifications"));
                                }
                                counts.rehearsed.addAndGet(finished);
                                return Mono.empty();
                            });
                        },
                        DELIVERY_TRANSACTIONS)
                .then();
    }

    /** The synthetic pushes through firebase-admin to the stand-in; the first one it does not accept fails them. */
    private Mono<Void> sends(PushChannel channel, Synthetic synthetic, Counts counts) {
        return Flux.range(0, settings.deliveries())
                .flatMap(n -> channel.send(synthetic.push(n)), settings.concurrency())
                .concatMap(outcome -> {
                    if (!(outcome instanceof DeliveryOutcome.Accepted)) {
                        return Mono.error(new IllegalStateException("the FCM stand-in's answer was " + outcome));
                    }
                    counts.sends.incrementAndGet();
                    return Mono.empty();
                })
                .then();
    }

    /**
     * This service's own address for callbacks: its web server's port on loopback (or on {@code
     * server.address} when it is bound to one address); empty without a web server.
     */
    private Optional<URI> callbackBase() {
        if (!(context instanceof WebServerApplicationContext web)) {
            return Optional.empty();
        }
        WebServer server = web.getWebServer();
        if (server == null || server.getPort() <= 0) {
            return Optional.empty();
        }
        String host = "127.0.0.1";
        String address = environment.getProperty("server.address");
        if (address != null && !address.isBlank()) {
            try {
                InetAddress bound = InetAddress.getByName(address);
                if (!bound.isAnyLocalAddress()) {
                    host = bound instanceof java.net.Inet6Address
                            ? "[" + bound.getHostAddress() + "]"
                            : bound.getHostAddress();
                }
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        return Optional.of(URI.create("http://" + host + ":" + server.getPort()));
    }

    /** The made-up tenant and configuration of the warm-up under way, else {@code null}. */
    Synthetic current() {
        return current;
    }

    /** What the last warm-up did; {@code null} before the first. */
    WarmupRun last() {
        return last;
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private static String cpuSince(long cpuAtStart) {
        long now = processCpuNanos();
        return now < 0 || cpuAtStart < 0 ? "unknown" : seconds(Duration.ofNanos(now - cpuAtStart));
    }

    /** This JVM's CPU time so far, or -1 when the platform does not say. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : -1;
    }

    /**
     * What one warm-up did: counts, why it failed ({@code null} when it did not), and why it gave way
     * to a busy machine ({@code null} when it did not).
     */
    record WarmupRun(int callbacks, int rehearsed, int sends, long standInSends, String failure, String gaveWay) {}

    /** A synthetic callback's answer: its status, and its body (a problem names what went wrong). */
    private record Answer(int status, String body) {}

    private static final class Counts {
        final AtomicInteger callbacks = new AtomicInteger();
        final AtomicInteger rehearsed = new AtomicInteger();
        final AtomicInteger sends = new AtomicInteger();
        final List<String> took = new java.util.concurrent.CopyOnWriteArrayList<>();
    }

    /** The readings of the other processes' share of the machine's CPU during one warm-up. */
    private static final class Busy {

        private final List<Double> readings = new java.util.concurrent.CopyOnWriteArrayList<>();

        void add(double share) {
            readings.add(share);
        }

        boolean lastAllAbove(int count, double limit) {
            int size = readings.size();
            return size >= count
                    && readings.subList(size - count, size).stream().allMatch(share -> share > limit);
        }

        String last(int count) {
            int size = readings.size();
            return readings.subList(Math.max(0, size - count), size).stream()
                    .map(Warmup::percent)
                    .collect(java.util.stream.Collectors.joining(", "));
        }

        /** What the readings say: their mean and the highest. */
        String summary() {
            List<Double> all = List.copyOf(readings);
            if (all.isEmpty()) {
                return "no reading of the machine's CPU";
            }
            double mean =
                    all.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            double highest = all.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            return "other processes used on average " + percent(mean) + ", at most " + percent(highest)
                    + " of the machine's CPU meanwhile";
        }
    }

    /** What the warm-up started, closed when it ends, the latest first. */
    private static final class Resources implements AutoCloseable {

        private final Deque<AutoCloseable> started = new ArrayDeque<>();

        <T extends AutoCloseable> T add(T resource) {
            started.push(resource);
            return resource;
        }

        @Override
        public void close() {
            while (!started.isEmpty()) {
                try {
                    started.pop().close();
                } catch (Exception e) {
                    log.warn("Closing a part of the warm-up failed: {}", e.toString());
                }
            }
        }
    }
}
