package io.pushgate.drills;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a service process's start went, read from its log (Spring Boot's console format: an ISO time,
 * the level, the process id, {@code ---}): seconds after a given moment (a kill) at which the JVM
 * began, wrote its first line, Flyway had validated the schema, the web server listened and Spring
 * said it had started. A drill reports it beside the moment it saw the process ready.
 */
final class StartupProfile {

    private static final Pattern LINE = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}T\\S+)\\s+[A-Z]+\\s+(\\d+)\\s+---\\s");
    private static final Pattern RUNNING_FOR = Pattern.compile("process running for (\\d+(?:\\.\\d+)?)");
    /** Milestones in the order a start passes them: the first line containing the text counts. */
    private static final Map<String, String> MILESTONES = milestones();

    private StartupProfile() {}

    private static Map<String, String> milestones() {
        Map<String, String> milestones = new LinkedHashMap<>();
        milestones.put("flywayValidated", "Successfully validated");
        milestones.put("webServerListening", "Netty started on port");
        milestones.put("springStarted", "Started ");
        return milestones;
    }

    /** The profile of process {@code pid} in {@code log}, in seconds after {@code since}; empty without its lines. */
    static Map<String, Double> of(Path log, long pid, Instant since) {
        try {
            return of(Files.readAllLines(log, StandardCharsets.UTF_8), pid, since);
        } catch (IOException e) {
            return Map.of();
        }
    }

    static Map<String, Double> of(List<String> lines, long pid, Instant since) {
        Map<String, Double> profile = new LinkedHashMap<>();
        String own = Long.toString(pid);
        for (String line : lines) {
            Matcher matcher = LINE.matcher(line);
            if (!matcher.find() || !matcher.group(2).equals(own)) {
                continue;
            }
            Instant at;
            try {
                at = OffsetDateTime.parse(matcher.group(1)).toInstant();
            } catch (DateTimeParseException e) {
                continue;
            }
            profile.putIfAbsent("firstLogLine", seconds(since, at));
            for (Map.Entry<String, String> milestone : MILESTONES.entrySet()) {
                if (!profile.containsKey(milestone.getKey()) && line.contains(milestone.getValue())) {
                    if (milestone.getKey().equals("springStarted")) {
                        Matcher runningFor = RUNNING_FOR.matcher(line);
                        if (!runningFor.find()) {
                            continue; // another "Started …" line, not Spring's
                        }
                        Instant jvm = at.minusMillis(Math.round(Double.parseDouble(runningFor.group(1)) * 1000));
                        profile.put("jvmStarted", seconds(since, jvm));
                    }
                    profile.put(milestone.getKey(), seconds(since, at));
                }
            }
        }
        return order(profile);
    }

    private static Map<String, Double> order(Map<String, Double> found) {
        Map<String, Double> ordered = new LinkedHashMap<>();
        for (String key :
                List.of("jvmStarted", "firstLogLine", "flywayValidated", "webServerListening", "springStarted")) {
            if (found.containsKey(key)) {
                ordered.put(key, found.get(key));
            }
        }
        return ordered;
    }

    private static double seconds(Instant since, Instant at) {
        return Math.round(Duration.between(since, at).toMillis() / 100.0) / 10.0;
    }
}
