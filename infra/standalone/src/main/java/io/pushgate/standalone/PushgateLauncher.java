package io.pushgate.standalone;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * {@code ./pushgate up}: starts the whole platform in this process and runs until SIGINT or
 * SIGTERM, then stops everything, the embedded database last. Exit status 1 with one line on
 * standard error when it cannot start; nothing is left running then.
 */
public final class PushgateLauncher {

    static final String LOG_FILE_NAME = "pushgate.log";
    static final String LOGBACK_CONFIG = "pushgate-logback.xml";

    private PushgateLauncher() {}

    public static void main(String[] args) {
        String command = args.length == 0 ? "up" : args[0];
        switch (command) {
            case "up" -> System.exit(up(List.of(args).subList(1, args.length), System.out, System.err));
            case "keyset" ->
                System.exit(KeysetCommand.run(
                        List.of(args).subList(1, args.length), System.getenv(), System.out, System.err));
            case "help", "-h", "--help" -> usage(System.out);
            default -> {
                System.err.println("pushgate: unknown command '" + command + "'");
                usage(System.err);
                System.exit(2);
            }
        }
    }

    static int up(List<String> args, PrintStream out, PrintStream err) {
        long started = System.nanoTime();
        LauncherSettings settings;
        try {
            settings = LauncherSettings.from(environment(args));
            logToFileUnder(settings.home());
        } catch (LaunchException e) {
            err.println("pushgate: " + e.getMessage());
            return 1;
        }
        out.println("Pushgate is starting (home " + settings.home()
                + (settings.multiProcess()
                        ? ", a JVM per service, " + settings.deliveryInstances() + " delivery-service instances"
                        : "")
                + ") ...");
        Launch platform = settings.multiProcess()
                ? new Cluster(settings, ServiceJars.fromSystemProperties())
                : new Platform(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean signalled = new AtomicBoolean();
        // registered before anything starts: SIGINT or SIGTERM during the start stops what has started
        Thread stop = new Thread(
                () -> {
                    signalled.set(true);
                    out.println("Pushgate is stopping ...");
                    platform.close();
                    out.println("Pushgate stopped.");
                    stopped.countDown();
                },
                "pushgate-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            platform.start();
        } catch (LaunchException e) {
            if (signalled.get()) {
                return 0; // stopped by a signal: the shutdown hook reports it, and the JVM exits with it
            }
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // a signal came as the start failed: the hook has nothing left to stop
            }
            err.println("pushgate: " + e.getMessage());
            return 1;
        }

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        out.printf(
                Locale.ROOT,
                "Pushgate is up in %.1f s, on %s:%n",
                took.toMillis() / 1000.0,
                platform.databaseDescription());
        for (Launch.Service service : platform.endpoints()) {
            out.printf(Locale.ROOT, "  %-17s %-24s %s%n", service.name(), service.url(), service.purpose());
        }
        out.println("Press Ctrl-C to stop.");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Sends the launcher's own logging (before any service starts) where the services' goes: the
     * log file under {@code PUSHGATE_HOME}, with warnings and errors on the console.
     */
    private static void logToFileUnder(Path home) {
        System.setProperty(
                "LOG_FILE", home.resolve("logs").resolve(LOG_FILE_NAME).toString());
        System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        LoggerFactory.getILoggerFactory(); // configures Logback now; each service reconfigures it the same way
        System.clearProperty("logback.configurationFile"); // Spring Boot takes logging.config instead
    }

    /**
     * The environment with the command line's options in it: {@code --delivery-instances N} is
     * {@code PUSHGATE_DELIVERY_INSTANCES=N}.
     */
    static Map<String, String> environment(List<String> args) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--delivery-instances") && i + 1 < args.size()) {
                environment.put("PUSHGATE_DELIVERY_INSTANCES", args.get(++i));
            } else if (arg.startsWith("--delivery-instances=")) {
                environment.put("PUSHGATE_DELIVERY_INSTANCES", arg.substring("--delivery-instances=".length()));
            } else {
                throw new LaunchException("unknown option '" + arg + "' (up takes --delivery-instances N)");
            }
        }
        return environment;
    }

    private static void usage(PrintStream out) {
        out.println("usage: pushgate up [--delivery-instances N]    start the whole platform (see README.md,"
                + " Configuration); with N > 1 every service runs in a JVM of its own, N delivery-service"
                + " instances behind one port");
        out.println(KeysetCommand.USAGE);
    }
}
