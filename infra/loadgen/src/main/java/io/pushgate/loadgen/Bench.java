package io.pushgate.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./pushgate bench callbacks …} runs the AXP simulator once and reports; {@code ./pushgate
 * bench registrations …} does the same with device registrations, as apps make them.
 */
public final class Bench {

    private Bench() {}

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(BenchOptions.USAGE);
            return 0;
        }
        if (args.isEmpty() || !(args.get(0).equals("callbacks") || args.get(0).equals("registrations"))) {
            err.println(BenchOptions.USAGE);
            return 2;
        }
        boolean registrations = args.get(0).equals("registrations");
        BenchOptions options;
        try {
            options = BenchOptions.parse(args.subList(1, args.size()), System.getenv());
            if (registrations && options.setup().isEmpty()) {
                throw new IllegalArgumentException("bench registrations needs --setup: it makes its own app client");
            }
        } catch (IllegalArgumentException e) {
            err.println("pushgate bench: " + e.getMessage());
            err.println(BenchOptions.USAGE);
            return 2;
        }
        try {
            if (registrations) {
                return registrations(options, out);
            }
            if (options.setup().isPresent()) {
                ControlPlaneSetup setup = new ControlPlaneSetup(options.setup().get());
                ControlPlaneSetup.Target target;
                if (options.emulator().isPresent()) {
                    out.printf(
                            Locale.ROOT,
                            "Setting up a new tenant at %s with a sandbox credential and %d registered devices ...%n",
                            options.setup().get(),
                            options.sessions());
                    target = setup.newTenantWithRegisteredDevices(options.sessions());
                } else {
                    target = setup.newTenantWithConfiguration();
                    out.println("Set up a new tenant and configuration at "
                            + options.setup().get());
                }
                options = options.withTarget(target.callbackUrl(), target.secret(), target.sessionIds());
            }
            if (!options.generatorWarmup().isZero()) {
                out.printf(
                        Locale.ROOT,
                        "Warming the simulator for %ds against a sink of its own (nothing reaches %s) ...%n",
                        options.generatorWarmup().toSeconds(),
                        options.callbackUrl().getHost());
                try (GeneratorSink sink = GeneratorSink.start()) {
                    new CallbackLoad(options.againstSink(sink.callbackUrl())).run();
                }
            }
            out.printf(
                    Locale.ROOT,
                    "Sending callbacks to %s: %s for %ds after a %ds warm-up ...%n",
                    options.callbackUrl(),
                    options.rate() > 0 ? options.rate() + "/s" : options.concurrency() + " callers",
                    options.duration().toSeconds(),
                    options.warmup().toSeconds());
            Optional<BenchOptions.Database> database = options.verifyDatabase();
            Disruption disruption = options.disruption()
                    .map(plan -> new Disruption(plan, database))
                    .orElse(null);
            if (disruption != null) {
                disruption.schedule(options.warmup());
            }
            DeliveryCheck deliveryCheck = options.emulator().isPresent()
                    ? DeliveryCheck.startingNow(options.emulator().get())
                    : null;
            RunResults results = new CallbackLoad(options).run();
            Disruption.Outcome disrupted = disruption == null ? null : disruption.await();
            if (disrupted != null) {
                out.printf(
                        Locale.ROOT,
                        "%s process %d %.1f s into the measured window%s%n",
                        disrupted.kill() ? "Killed (kill -9)" : "Stopped (SIGTERM)",
                        disrupted.pid(),
                        disrupted.atMillis() / 1000.0,
                        disrupted.kill()
                                ? "; " + disrupted.inDoubt().size() + " notifications were unfinished then"
                                : "");
            }
            Long lost = null;
            if (options.verifyDatabase().isPresent()) {
                lost = StoredEvents.missing(
                        options.verifyDatabase().get(),
                        results.acceptedEventIds(),
                        StoredEvents.since(results.acceptedAt()));
            }
            DeliveryCheck.Report delivery = null;
            if (options.emulator().isPresent()) {
                out.printf(
                        Locale.ROOT,
                        "Waiting up to %ds for %d pushes on the FCM emulator at %s ...%n",
                        options.deliveryTimeout().toSeconds(),
                        results.acceptedAt().size(),
                        options.emulator().get());
                Set<String> inDoubt = new java.util.HashSet<>(disrupted == null ? Set.of() : disrupted.inDoubt());
                if (options.inDoubt().isPresent()) {
                    // written by whoever killed processes during the run (./pushgate drill crash)
                    inDoubt.addAll(
                            java.nio.file.Files.readAllLines(options.inDoubt().get()).stream()
                                    .map(String::strip)
                                    .filter(line -> !line.isEmpty())
                                    .toList());
                }
                delivery = deliveryCheck.check(results.acceptedAt(), options.deliveryTimeout(), inDoubt);
            }
            if (delivery != null
                    && delivery.duplicated() > 0
                    && options.verifyDatabase().isPresent()) {
                delivery = delivery.explaining(StoredEvents.resentAfterUnknownOutcome(
                        options.verifyDatabase().get(),
                        delivery.duplicatedEventIds(),
                        StoredEvents.since(results.acceptedAt())));
            }
            Map<String, Object> report = report(options, results, lost, delivery);
            if (disrupted != null) {
                report.put("disruption", disrupted.asMap());
            }
            out.print(summary(report));
            JsonMapper.builder()
                    .build()
                    .writerWithDefaultPrettyPrinter()
                    .writeValue(options.out().toFile(), report);
            out.println("Result written to " + options.out().toAbsolutePath());
            boolean incomplete = delivery != null
                    && (delivery.pending() > 0
                            || delivery.duplicatedWithoutCause() > 0
                            || delivery.duplicatedWithDifferentCollapseKeys() > 0);
            return (lost != null && lost > 0) || incomplete ? 1 : 0;
        } catch (IOException e) {
            err.println("pushgate bench: cannot reach a service: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("pushgate bench: interrupted");
            return 1;
        } catch (SQLException e) {
            err.println("pushgate bench: cannot check the stored events: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("pushgate bench: " + e.getMessage());
            return 1;
        }
    }

    private static int registrations(BenchOptions options, PrintStream out) throws IOException, InterruptedException {
        ControlPlaneSetup.App app = new ControlPlaneSetup(options.setup().get()).newTenantWithApp();
        out.printf(
                Locale.ROOT,
                "Registering devices at %s for a new tenant's app: %s for %ds after a %ds warm-up ...%n",
                app.registrationUri("…"),
                options.rate() > 0 ? options.rate() + "/s" : options.concurrency() + " callers",
                options.duration().toSeconds(),
                options.warmup().toSeconds());
        RunResults results = new CallbackLoad(options, new DeviceRegistrations(app, options.sessions())).run();
        Map<String, Object> report =
                report(options.withTarget(app.registrationUri(""), "", List.of()), results, null, null);
        report.put("kind", "registrations");
        report.put(
                "registeredPerSecond",
                Math.round(results.outcome("200") / (options.duration().toNanos() / 1e9)));
        report.remove("acceptedPerSecond");
        report.remove("acceptedIncludingWarmup");
        report.remove("lost");
        report.remove("delivery");
        out.print(summary(report));
        JsonMapper.builder()
                .build()
                .writerWithDefaultPrettyPrinter()
                .writeValue(options.out().toFile(), report);
        out.println("Result written to " + options.out().toAbsolutePath());
        return results.outcome("200") == results.measuredCount() ? 0 : 1;
    }

    static Map<String, Object> report(
            BenchOptions options, RunResults results, Long lost, DeliveryCheck.Report delivery) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("kind", "callbacks");
        report.put("target", options.callbackUrl().toString());
        report.put("model", options.rate() > 0 ? "open" : "closed");
        report.put("targetRatePerSecond", options.rate());
        report.put("concurrency", options.concurrency());
        report.put("durationSeconds", options.duration().toSeconds());
        report.put("warmupSeconds", options.warmup().toSeconds());
        report.put("measuredCallbacks", results.measuredCount());
        report.put("achievedPerSecond", Math.round(results.throughput(options.duration())));
        report.put(
                "acceptedPerSecond",
                Math.round(results.outcome("202") / (options.duration().toNanos() / 1e9)));
        report.put("outcomes", results.outcomes());
        report.put("latencyMillis", results.latencyMillis());
        if (options.rate() > 0) {
            report.put("sendLagMillis", results.sendLagMillis());
        }
        report.put("acceptedIncludingWarmup", results.acceptedEventIds().size());
        report.put("lost", lost);
        report.put("delivery", delivery == null ? null : delivery.asMap());
        report.put("windows", windows(results, delivery));
        report.put("cores", Runtime.getRuntime().availableProcessors());
        return report;
    }

    /**
     * The run's time line: per {@link RunResults#WINDOW} of the measured phase, the callbacks' p99
     * (by send time) and, with a delivery check, the 202 → emulator p99 (by the 202's time).
     */
    private static List<Map<String, Object>> windows(RunResults results, DeliveryCheck.Report delivery) {
        var callbacks = results.windows();
        var pushes = delivery == null
                ? new java.util.TreeMap<Integer, Map<String, Number>>()
                : delivery.windows(results.acceptedAt(), results.measureFromEpochMicros());
        java.util.SortedSet<Integer> numbers = new java.util.TreeSet<>(callbacks.keySet());
        numbers.addAll(pushes.keySet());
        long seconds = RunResults.WINDOW.toSeconds();
        return numbers.stream()
                .map(number -> {
                    Map<String, Object> window = new LinkedHashMap<>();
                    window.put("fromSecond", number * seconds);
                    window.put("toSecond", (number + 1) * seconds);
                    Map<String, Number> sent = callbacks.getOrDefault(number, Map.of());
                    window.put("callbacks", sent.getOrDefault("count", 0));
                    window.put("latencyP99Millis", sent.get("p99"));
                    Map<String, Number> pushed = pushes.get(number);
                    if (pushed != null) {
                        window.put("pushed", pushed.get("count"));
                        window.put("acceptToEmulatorP99Millis", pushed.get("p99"));
                    }
                    return window;
                })
                .toList();
    }

    @SuppressWarnings("unchecked")
    static String summary(Map<String, Object> report) {
        StringBuilder text = new StringBuilder();
        boolean registrations = "registrations".equals(report.get("kind"));
        text.append(String.format(
                Locale.ROOT,
                "%n%s model, %s %s measured: %s/s achieved, %s %s/s%n",
                report.get("model"),
                report.get("measuredCallbacks"),
                registrations ? "registrations" : "callbacks",
                report.get("achievedPerSecond"),
                registrations ? report.get("registeredPerSecond") : report.get("acceptedPerSecond"),
                registrations ? "registered (200)" : "accepted"));
        text.append("answers: ").append(report.get("outcomes")).append('\n');
        Map<String, Double> latency = (Map<String, Double>) report.get("latencyMillis");
        text.append(String.format(
                Locale.ROOT,
                "latency (ms%s): p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                "open".equals(report.get("model")) ? ", from the intended send time" : "",
                latency.get("p50"),
                latency.get("p90"),
                latency.get("p99"),
                latency.get("p99.9"),
                latency.get("max")));
        Map<String, Double> lag = (Map<String, Double>) report.get("sendLagMillis");
        if (lag != null) {
            text.append(String.format(
                    Locale.ROOT,
                    "generator lag (ms, send time - intended time; part of the latency above): p99 %.2f  max %.2f%n",
                    lag.get("p99"),
                    lag.get("max")));
        }
        if (registrations) {
            return text.toString();
        }
        Object lost = report.get("lost");
        text.append(
                lost == null
                        ? "lost: not checked (give --verify-db)\n"
                        : "lost: " + lost + " of " + report.get("acceptedIncludingWarmup")
                                + " accepted events have no row\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> delivery = (Map<String, Object>) report.get("delivery");
        if (delivery == null) {
            text.append("delivery: not checked (give --emulator)\n");
        } else {
            Map<String, Double> push = (Map<String, Double>) delivery.get("acceptToEmulatorMillis");
            text.append(String.format(
                    Locale.ROOT,
                    "delivery: %s of %s pushed exactly once, %s duplicated (%s of them with a cause: in flight"
                            + " in a killed process, or sent again after a time-out), %s not pushed%s%n"
                            + "202 → emulator (ms): p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                    delivery.get("deliveredExactlyOnce"),
                    delivery.get("accepted"),
                    delivery.get("duplicated"),
                    delivery.get("duplicatedWithCause"),
                    delivery.get("pending"),
                    ((Number) delivery.get("droppedByEmulator")).longValue() == 0
                            ? ""
                            : " — not checked to the end: the emulator no longer keeps "
                                    + delivery.get("droppedByEmulator")
                                    + " of the messages it accepted during the run (its store is bounded:"
                                    + " PUSHGATE_SANDBOX_MAX_MESSAGES, PUSHGATE_SANDBOX_MAX_MEGABYTES)",
                    push.get("p50"),
                    push.get("p90"),
                    push.get("p99"),
                    push.get("p99.9"),
                    push.get("max")));
        }
        List<Map<String, Object>> windows = (List<Map<String, Object>>) report.get("windows");
        if (windows != null && !windows.isEmpty()) {
            text.append("p99 per ")
                    .append(RunResults.WINDOW.toSeconds())
                    .append(" s (ms, callback")
                    .append(delivery == null ? "" : " / 202 → emulator")
                    .append("):");
            for (Map<String, Object> window : windows) {
                text.append(' ')
                        .append(window.get("fromSecond"))
                        .append("–")
                        .append(window.get("toSecond"))
                        .append(" s ")
                        .append(window.get("latencyP99Millis"));
                if (window.containsKey("acceptToEmulatorP99Millis")) {
                    text.append(" / ").append(window.get("acceptToEmulatorP99Millis"));
                }
                text.append(';');
            }
            text.setLength(text.length() - 1);
            text.append('\n');
        }
        return text.toString();
    }
}
