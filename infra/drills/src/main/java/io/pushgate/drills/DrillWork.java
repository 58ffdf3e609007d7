package io.pushgate.drills;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.stream.Stream;

/** A drill's work folder (its database, its platform's home, the simulator's result) and the machine's load. */
final class DrillWork {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private DrillWork() {}

    /** A new folder {@code <results>/work/<drill>-<UTC time>}: kept when the drill fails, for a look. */
    static Path folder(DrillOptions options, String drill) throws IOException {
        Path folder = options.resultsFolder().resolve("work").resolve(drill + "-" + TIME.format(Instant.now()));
        Files.createDirectories(folder);
        return folder.toAbsolutePath();
    }

    /**
     * After a drill's resources have closed (a running PostgreSQL still writes its WAL into the folder):
     * a passing drill's work folder is deleted, a failing one's kept and named in its figures.
     */
    static DrillResult settle(DrillResult result, Path work) throws IOException {
        if (result.passed()) {
            delete(work);
        } else {
            result.figures().put("workFolder", work.toString());
        }
        return result;
    }

    /** Deletes the folder and everything in it. */
    static void delete(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** The 1-, 5- and 15-minute load averages ({@code /proc/loadavg}): a shared machine's figures need them. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
