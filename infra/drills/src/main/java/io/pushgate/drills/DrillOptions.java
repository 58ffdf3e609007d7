package io.pushgate.drills;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options after the drill's name, {@code --name value} or {@code --name=value}, read by each drill
 * with its own defaults; plus where the drills find the project ({@code pushgate.root}: the launcher's
 * and the simulator's jars) and where they write their results. An option no drill read is an error
 * ({@link #rejectUnknown()}), so a mistyped option does not pass silently as the default.
 */
public final class DrillOptions {

    private final Map<String, String> values;
    private final Set<String> read = new TreeSet<>();
    private final Path root;
    private final Path resultsFolder;
    private final boolean shared;

    DrillOptions(Map<String, String> values, Path root, Path resultsFolder, boolean shared) {
        this.values = Map.copyOf(values);
        this.root = root;
        this.resultsFolder = resultsFolder;
        this.shared = shared;
    }

    /** The options of a command line: {@code --name value} pairs and {@code --name=value}. */
    public static DrillOptions parse(List<String> args, Path root, Path resultsFolder) {
        return parse(args, root, resultsFolder, false);
    }

    /**
     * The same; {@code shared}: the options go to every drill ({@code ./pushgate drill all}), so an
     * option one drill does not read is not an error for it.
     */
    static DrillOptions parse(List<String> args, Path root, Path resultsFolder, boolean shared) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("expected an option --name value, not '" + arg + "'");
            }
            int equals = arg.indexOf('=');
            if (equals > 0) {
                values.put(arg.substring(2, equals), arg.substring(equals + 1));
            } else if (i + 1 < args.size()) {
                values.put(arg.substring(2), args.get(++i));
            } else {
                throw new IllegalArgumentException("option " + arg + " needs a value");
            }
        }
        return new DrillOptions(values, root, resultsFolder, shared);
    }

    /** The same options with {@code name} set to {@code value} (what a test or another drill overrides). */
    public DrillOptions with(String name, String value) {
        Map<String, String> changed = new LinkedHashMap<>(values);
        changed.put(name, value);
        return new DrillOptions(changed, root, resultsFolder, shared);
    }

    public Optional<String> text(String name) {
        read.add(name);
        return Optional.ofNullable(values.get(name));
    }

    public String text(String name, String otherwise) {
        return text(name).orElse(otherwise);
    }

    public int number(String name, int otherwise) {
        String value = text(name).orElse(null);
        if (value == null) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, not '" + value + "'");
        }
    }

    /** A duration as {@code 90s}, {@code 500ms}, {@code 2m}, or plain seconds. */
    public Duration duration(String name, Duration otherwise) {
        String value = text(name).orElse(null);
        if (value == null) {
            return otherwise;
        }
        try {
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--" + name + " must be a duration like 30s, 500ms or 2m, not '" + value + "'");
        }
    }

    /** The options given that nothing read: mistyped or meant for another drill. */
    public Set<String> unread() {
        Set<String> unread = new TreeSet<>(values.keySet());
        unread.removeAll(read);
        return unread;
    }

    /**
     * Refuses options the drill did not read: each drill reads all of its options first, then calls
     * this before it starts anything, so a mistyped option costs no run (with {@code all}: nothing).
     */
    public void rejectUnknown() {
        if (!shared && !unread().isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + unread());
        }
    }

    /** The project's root folder (the launcher's jar is under {@code infra/standalone/target}). */
    public Path root() {
        return root;
    }

    /** Where results are written ({@code PUSHGATE_HOME/drills}, or {@code --results}). */
    public Path resultsFolder() {
        return resultsFolder;
    }
}
