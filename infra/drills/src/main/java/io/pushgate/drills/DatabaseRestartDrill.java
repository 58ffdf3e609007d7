package io.pushgate.drills;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./pushgate drill db-restart}: the drill's own PostgreSQL (embedded, never the machine's) is
 * stopped during a callback run and started again. While it is down every callback must be answered
 * {@code 503} with {@code Retry-After} and a problem+json body, within {@code --answer-limit} (never a
 * 202 that is not stored, never a 500, never a hang); after it returns the services must accept
 * callbacks again by themselves within {@code --recovery-limit}, and every callback that got a 202
 * must have its row and its push, once.
 *
 * <p>Two senders: the AXP simulator (load, devices on the sandbox, the exactly-once count) and a
 * prober sending one callback every {@code --probe-interval}, whose every answer is judged by the time
 * it was sent: after the server was down and before it was started again, only 503.
 */
final class DatabaseRestartDrill implements Drill {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @Override
    public String name() {
        return "db-restart";
    }

    @Override
    public String description() {
        return "the drill's own PostgreSQL stopped and started under load; only 503 + Retry-After meanwhile,"
                + " recovery by itself, nothing acknowledged lost";
    }

    private record Settings(
            int instances,
            int rate,
            int sessions,
            Duration before,
            Duration outage,
            Duration after,
            Duration probeInterval,
            Duration answerLimit,
            Duration recoveryLimit,
            Duration startTimeout) {

        static Settings from(DrillOptions options) {
            return new Settings(
                    options.number("instances", 2),
                    options.number("rate", 500),
                    options.number("sessions", 500),
                    options.duration("before", Duration.ofSeconds(15)),
                    options.duration("outage", Duration.ofSeconds(30)),
                    options.duration("after", Duration.ofSeconds(45)),
                    options.duration("probe-interval", Duration.ofMillis(100)),
                    options.duration("answer-limit", Duration.ofSeconds(10)),
                    options.duration("recovery-limit", Duration.ofSeconds(30)),
                    options.duration("start-timeout", Duration.ofMinutes(15)));
        }
    }

    @Override
    public DrillResult run(DrillOptions options) throws Exception {
        Settings settings = Settings.from(options);
        options.rejectUnknown();
        Path work = DrillWork.folder(options, name());
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("instances", settings.instances);
        figures.put("targetRatePerSecond", settings.rate);
        figures.put("outageSeconds", settings.outage.toSeconds());
        figures.put("answerLimitSeconds", settings.answerLimit.toSeconds());
        figures.put("recoveryLimitSeconds", settings.recoveryLimit.toSeconds());
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        figures.put("loadAverageAtStart", DrillWork.loadAverage());
        Duration warmup = Duration.ofSeconds(5);
        Duration measured = settings.before.plus(settings.outage).plus(settings.after);
        DrillResult result;
        try (DrillDatabase database = DrillDatabase.start(work.resolve("postgres"));
                DrillPlatform platform = DrillPlatform.start(
                        options.root(),
                        work.resolve("home"),
                        database,
                        settings.instances,
                        Map.of(),
                        settings.startTimeout);
                Prober prober =
                        Prober.configure(database, work.resolve("home"), platform.frontPort(), settings.answerLimit)) {
            Simulator simulator = Simulator.start(
                    options.root(),
                    List.of(
                            "--setup", platform.tenantService().toString(),
                            "--emulator", platform.sandbox().toString(),
                            "--sessions", Integer.toString(settings.sessions),
                            "--rate", Integer.toString(settings.rate),
                            "--warmup", warmup.toSeconds() + "s",
                            "--duration", measured.toSeconds() + "s",
                            "--verify-db", database.url(),
                            "--db-user", database.user(),
                            "--delivery-timeout", "120s"),
                    database.password(),
                    work.resolve("simulator.json"));
            long sending = simulator.awaitSending(Duration.ofMinutes(5));
            prober.start(settings.probeInterval);
            sleepUntil(sending + warmup.plus(settings.before).toNanos());

            long stopping = System.nanoTime();
            database.stop();
            long down = System.nanoTime();
            sleepUntil(down + settings.outage.toNanos());
            long starting = System.nanoTime();
            database.restart();
            long up = System.nanoTime();

            // each service, asked directly: its health is 200 again (the database answers it)
            Map<String, URI> services = new TreeMap<>(platform.instances());
            services.put("tenant-service", platform.tenantService());
            Map<String, Double> healthyAgain = healthyAgain(services, up, settings.recoveryLimit.multipliedBy(2));

            Simulator.Finished finished = simulator.await(measured.plus(Duration.ofMinutes(6)));
            List<Prober.Probe> probes = prober.stop();
            figures.put("loadAverageAtEnd", DrillWork.loadAverage());
            figures.put("databaseStopSeconds", seconds(down - stopping));
            figures.put("databaseStartSeconds", seconds(up - starting));
            figures.put("healthyAgainSeconds", healthyAgain);
            result = verdict(settings, figures, probes, finished, prober, database, stopping, down, starting, up);
        }
        return DrillWork.settle(result, work);
    }

    private DrillResult verdict(
            Settings settings,
            Map<String, Object> figures,
            List<Prober.Probe> probes,
            Simulator.Finished finished,
            Prober prober,
            DrillDatabase database,
            long stopping,
            long down,
            long starting,
            long up)
            throws Exception {
        List<String> failures = new ArrayList<>();
        long limit = settings.answerLimit.toNanos();

        // the prober: every answer judged by when it was sent
        List<Prober.Probe> duringOutage = probes.stream()
                .filter(probe -> probe.sentAt() >= down && probe.sentAt() < starting)
                .toList();
        long outageBad = duringOutage.stream()
                .filter(probe -> probe.status() != 503 || !probe.retryAfter() || !probe.problemJson())
                .count();
        Map<String, Long> outageAnswers = answers(duringOutage);
        if (duringOutage.isEmpty()) {
            failures.add("no probe was sent while the database was down");
        }
        if (outageBad > 0) {
            failures.add(outageBad + " callbacks sent while the database was down were answered other than 503"
                    + " + Retry-After + problem+json: " + outageAnswers);
        }
        long slow = probes.stream()
                .filter(probe -> probe.status() == 0 || probe.answeredAt() - probe.sentAt() > limit)
                .count();
        if (slow > 0) {
            failures.add(slow + " callbacks got no answer within " + settings.answerLimit.toSeconds() + " s");
        }
        long unexpected = probes.stream()
                .filter(probe -> probe.status() != 202 && probe.status() != 503 && probe.status() != 0)
                .count();
        if (unexpected > 0) {
            failures.add(unexpected + " callbacks answered neither 202 nor 503: " + answers(probes));
        }
        Set<String> accepted = probes.stream()
                .filter(probe -> probe.status() == 202)
                .map(Prober.Probe::eventId)
                .collect(Collectors.toSet());
        long stored = prober.stored(database, accepted);
        if (stored != accepted.size()) {
            failures.add((accepted.size() - stored) + " of the prober's " + accepted.size() + " 202s have no row");
        }
        // recovery: the first 202 to a callback sent after the database was started again
        Double recovery = probes.stream()
                .filter(probe -> probe.sentAt() >= up && probe.status() == 202)
                .map(probe -> seconds(probe.answeredAt() - up))
                .min(Double::compare)
                .orElse(null);
        if (recovery == null || recovery > settings.recoveryLimit.toSeconds()) {
            failures.add("callbacks were not accepted again within " + settings.recoveryLimit.toSeconds()
                    + " s after the database returned (first 202 after " + recovery + " s)");
        }
        long lastNot202 = probes.stream()
                .filter(probe -> probe.sentAt() >= up && probe.status() != 202)
                .count();
        Double slowestAnswer = probes.stream()
                .map(probe -> seconds(probe.answeredAt() - probe.sentAt()))
                .max(Double::compare)
                .orElse(null);

        // the simulator: its answers and its exactly-once count
        JsonNode result = finished.result();
        JsonNode delivery = result.path("delivery");
        long simulatorAccepted = result.path("acceptedIncludingWarmup").asLong();
        long lost = result.path("lost").asLong(-1);
        long pending = delivery.path("pending").asLong(-1);
        long duplicated = delivery.path("duplicated").asLong();
        long withCause = delivery.path("duplicatedWithCause").asLong();
        Map<String, Long> simulatorAnswers = new TreeMap<>();
        result.path("outcomes")
                .properties()
                .forEach(entry ->
                        simulatorAnswers.put(entry.getKey(), entry.getValue().asLong()));
        List<String> otherAnswers = simulatorAnswers.keySet().stream()
                .filter(answer -> !answer.equals("202") && !answer.equals("503"))
                .toList();
        if (!otherAnswers.isEmpty()) {
            failures.add("the simulator got answers other than 202 and 503: " + simulatorAnswers);
        }
        if (lost != 0) {
            failures.add(lost + " of the simulator's 202s have no row (lost)");
        }
        if (pending != 0) {
            failures.add(Simulator.notPushed(delivery, pending + " of the simulator's 202s were not pushed"));
        }
        if (duplicated - withCause != 0) {
            failures.add((duplicated - withCause) + " pushed twice without a cause");
        }

        figures.put("probes", probes.size());
        figures.put("probesDuringOutage", duringOutage.size());
        figures.put("probeAnswersDuringOutage", outageAnswers);
        figures.put("probeAnswers", answers(probes));
        figures.put("probesAccepted", accepted.size());
        figures.put("probesAcceptedStored", stored);
        figures.put("probesAfterRestartNot202", lastNot202);
        figures.put("slowestAnswerSeconds", slowestAnswer);
        figures.put("recoverySeconds", recovery);
        figures.put("accepted", simulatorAccepted + accepted.size());
        figures.put("simulatorAccepted", simulatorAccepted);
        figures.put("simulatorAnswers", simulatorAnswers);
        figures.put("lost", (lost < 0 ? 0 : lost) + (accepted.size() - stored));
        figures.put("notPushed", pending);
        figures.put("duplicated", duplicated);
        figures.put("duplicatedWithCause", withCause);
        figures.put("simulator", result);
        figures.put("failures", failures);
        String summary = String.format(
                Locale.ROOT,
                "database down %.1f s: %d probes then answered %s; callbacks accepted again %s s after it returned"
                        + " (services healthy after %s s); accepted %,d (simulator %,d + prober %,d), lost %d,"
                        + " not pushed %d, pushed twice %d (%d with a cause); simulator's answers %s; slowest answer"
                        + " %.1f s; load average %s%s",
                seconds(starting - down),
                duringOutage.size(),
                outageAnswers,
                recovery,
                figures.get("healthyAgainSeconds"),
                simulatorAccepted + accepted.size(),
                simulatorAccepted,
                accepted.size(),
                figures.get("lost"),
                pending,
                duplicated,
                withCause,
                simulatorAnswers,
                slowestAnswer == null ? 0.0 : slowestAnswer,
                figures.get("loadAverageAtStart"),
                failures.isEmpty() ? "" : " — " + String.join("; ", failures));
        return new DrillResult(name(), failures.isEmpty(), summary, figures);
    }

    /** Answers by kind: the status, with "+Retry-After" and "+problem" when they came, or the error. */
    private static Map<String, Long> answers(List<Prober.Probe> probes) {
        return probes.stream()
                .collect(Collectors.groupingBy(
                        probe -> probe.status() == 0
                                ? "no answer: " + probe.error()
                                : probe.status()
                                        + (probe.retryAfter() ? "+Retry-After" : "")
                                        + (probe.problemJson() ? "+problem" : ""),
                        TreeMap::new,
                        Collectors.counting()));
    }

    /**
     * For each service, seconds from {@code since} until its /actuator/health answered 200 (asked of each
     * in turn, every 100 ms); null for one that did not within {@code limit}.
     */
    private static Map<String, Double> healthyAgain(Map<String, URI> services, long since, Duration limit)
            throws InterruptedException {
        Map<String, Double> healthy = new TreeMap<>();
        services.keySet().forEach(name -> healthy.put(name, null));
        long deadline = since + limit.toNanos();
        while (System.nanoTime() < deadline && healthy.containsValue(null)) {
            for (var service : services.entrySet()) {
                if (healthy.get(service.getKey()) == null && healthy(service.getValue())) {
                    healthy.put(service.getKey(), seconds(System.nanoTime() - since));
                }
            }
            Thread.sleep(100);
        }
        return healthy;
    }

    private static boolean healthy(URI base) throws InterruptedException {
        try {
            return HTTP.send(
                                    HttpRequest.newBuilder(base.resolve("/actuator/health"))
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (java.io.IOException notYet) {
            return false;
        }
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e8) / 10.0;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
