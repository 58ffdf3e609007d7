package io.pushgate.drills;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./pushgate drill <name>|all [options]}: runs one drill, or every drill one after another;
 * prints one line per drill ({@code PASS}/{@code FAIL}, the figures) and writes each result as JSON
 * to {@code $PUSHGATE_HOME/drills/<name>-<UTC time>.json} (or {@code --results FOLDER}). Exit status
 * 0 when every drill passed, 1 when one failed or could not run, 2 on a usage error.
 */
public final class Drills {

    /** Every drill, in the order {@code all} runs them. A new drill is added here. */
    static final List<Drill> ALL =
            List.of(new CrashDrill(), new DatabaseRestartDrill(), new ProviderFaultsDrill(), new FuzzDrill());

    private Drills() {}

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.getenv(), System.out, System.err));
    }

    static int run(List<String> args, Map<String, String> environment, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
            (args.isEmpty() ? err : out).print(usage());
            return args.isEmpty() ? 2 : 0;
        }
        String name = args.get(0);
        List<Drill> chosen = name.equals("all") ? ALL : find(name).map(List::of).orElse(List.of());
        if (chosen.isEmpty()) {
            err.println("pushgate drill: no drill '" + name + "'");
            err.print(usage());
            return 2;
        }
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        Path results = resultsFolder(rest, environment);
        Path root = Path.of(System.getProperty("pushgate.root", "."))
                .toAbsolutePath()
                .normalize();
        boolean allPassed = true;
        for (Drill drill : chosen) {
            DrillOptions options;
            try {
                options = DrillOptions.parse(rest, root, results, chosen.size() > 1);
            } catch (IllegalArgumentException e) {
                err.println("pushgate drill: " + e.getMessage());
                return 2;
            }
            out.println("Drill " + drill.name() + ": " + drill.description());
            DrillResult result;
            try {
                result = drill.run(options);
            } catch (IllegalArgumentException e) {
                err.println("pushgate drill " + drill.name() + ": " + e.getMessage());
                return 2;
            } catch (Exception e) {
                err.println("pushgate drill " + drill.name() + ": could not run: " + e);
                allPassed = false;
                continue;
            }
            out.println(result.line());
            try {
                out.println("  result: " + result.write(results, Instant.now()));
            } catch (java.io.IOException e) {
                err.println("pushgate drill " + drill.name() + ": cannot write the result: " + e.getMessage());
                allPassed = false;
            }
            allPassed &= result.passed();
        }
        return allPassed ? 0 : 1;
    }

    static Optional<Drill> find(String name) {
        return ALL.stream().filter(drill -> drill.name().equals(name)).findFirst();
    }

    /** {@code --results FOLDER} (taken out of {@code rest}), else {@code $PUSHGATE_HOME/drills}, else {@code .pushgate/drills}. */
    private static Path resultsFolder(List<String> rest, Map<String, String> environment) {
        int at = rest.indexOf("--results");
        if (at >= 0 && at + 1 < rest.size()) {
            Path folder = Path.of(rest.get(at + 1));
            rest.subList(at, at + 2).clear();
            return folder;
        }
        return Path.of(environment.getOrDefault("PUSHGATE_HOME", ".pushgate")).resolve("drills");
    }

    static String usage() {
        StringBuilder text = new StringBuilder(
                "usage: ./pushgate drill <name>|all [--results FOLDER] [--option value …]   (README.md, Drills)\n");
        for (Drill drill : ALL) {
            text.append(String.format("  %-14s %s%n", drill.name(), drill.description()));
        }
        return text.toString();
    }
}
