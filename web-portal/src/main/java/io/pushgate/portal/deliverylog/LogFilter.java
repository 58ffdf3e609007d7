package io.pushgate.portal.deliverylog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.util.UriComponentsBuilder;

/** What the delivery log is filtered by; blank fields are no filter (public: the page reads it). */
public record LogFilter(String configurationId, String status, String sessionId, String eventId, String cursor) {

    public LogFilter {
        configurationId = blankToNull(configurationId);
        status = blankToNull(status); // one the read API does not know is refused there, and named next to its field
        sessionId = blankToNull(sessionId);
        eventId = blankToNull(eventId);
        cursor = blankToNull(cursor);
    }

    /** The read API's URI template and its values, in order. */
    public String apiUri(List<Object> values) {
        StringBuilder uri = new StringBuilder("/v1/notifications?limit=50");
        add(uri, values, "configurationId", configurationId);
        add(uri, values, "status", status);
        add(uri, values, "sessionId", sessionId);
        add(uri, values, "eventId", eventId);
        add(uri, values, "cursor", cursor);
        return uri.toString();
    }

    /** This filter as the query of {@code path} (the page, its live fragment), optionally on another page. */
    public String query(String path, String otherCursor) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromPath(path);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("configurationId", configurationId);
        values.put("status", status);
        values.put("sessionId", sessionId);
        values.put("eventId", eventId);
        values.put("cursor", otherCursor);
        values.forEach((name, value) -> {
            if (value != null) {
                uri.queryParam(name, value);
            }
        });
        return uri.encode().build().toUriString();
    }

    /** The list's live fragment for this filter, telling which {@code version} of it the browser shows. */
    public String live(String version) {
        return UriComponentsBuilder.fromUriString(query("/deliveries/list", null))
                .queryParam("seen", version)
                .build()
                .toUriString();
    }

    /** The first page's server-sent events for this filter: {@code changed} whenever what it shows changed. */
    public String events() {
        return query("/deliveries/events", null);
    }

    public boolean firstPage() {
        return cursor == null;
    }

    private static void add(StringBuilder uri, List<Object> values, String name, String value) {
        if (value != null) {
            uri.append('&').append(name).append("={").append(name).append('}');
            values.add(value);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
