package io.pushgate.portal.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * One chart of the dashboard: its x values (seconds since the epoch, the points' starts) and its
 * named series, handed to the page's script as JSON in a data attribute, and summed up for the table
 * beside it (for those who do not see the chart).
 *
 * @param id the element's id
 * @param title what the chart shows
 * @param unit what its values count, e.g. "callbacks"
 * @param series each line's key (e.g. {@code accepted}, {@code refused:signature-mismatch}, {@code
 *     delivered}, {@code p99}) and its values, one per point ({@code null}: no value there)
 * @param labels each line's key and the words its legend shows
 * @param summary the table's rows: a label and its value in words
 */
public record Chart(
        String id,
        String title,
        String unit,
        List<Long> x,
        Map<String, List<Number>> series,
        Map<String, String> labels,
        Map<String, String> summary) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the script draws: {@code {"x": [...], "series": [{"key", "label", "values": [...]}, ...]}}. */
    public String data() {
        List<Map<String, Object>> lines = new ArrayList<>();
        series.forEach((key, values) -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("key", key);
            line.put("label", labels.getOrDefault(key, key));
            line.put("values", values);
            lines.add(line);
        });
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("x", x);
        data.put("series", lines);
        return JSON.writeValueAsString(data);
    }

    /** Whether its values are counts (whole numbers), not milliseconds. */
    public boolean counts() {
        return !"milliseconds".equals(unit);
    }

    /** How many points each series has. */
    public int points() {
        return x.size();
    }
}
