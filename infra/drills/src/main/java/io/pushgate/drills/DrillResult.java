package io.pushgate.drills;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a drill found.
 *
 * @param drill the drill's name
 * @param passed whether every property the drill checks held
 * @param summary one line for the console: the verdict and the main figures
 * @param figures everything measured, for the JSON document (counts, seconds, what failed and why)
 */
public record DrillResult(String drill, boolean passed, String summary, Map<String, Object> figures) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    public DrillResult {
        figures = new LinkedHashMap<>(figures);
    }

    /** The line {@code ./pushgate drill} prints: {@code PASS crash: …} or {@code FAIL crash: …}. */
    public String line() {
        return (passed ? "PASS " : "FAIL ") + drill + ": " + summary;
    }

    /** The whole result as JSON: the drill, the verdict, the summary, then the figures. */
    public Map<String, Object> document(Instant finishedAt) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("drill", drill);
        document.put("passed", passed);
        document.put("summary", summary);
        document.put("finishedAt", finishedAt.toString());
        document.putAll(figures);
        return document;
    }

    /** Writes the document to {@code folder/<drill>-<UTC time>.json}; answers the file. */
    public Path write(Path folder, Instant finishedAt) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve(drill + "-" + FILE_TIME.format(finishedAt) + ".json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), document(finishedAt));
        return file;
    }
}
