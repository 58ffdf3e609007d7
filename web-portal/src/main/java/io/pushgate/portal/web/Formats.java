package io.pushgate.portal.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/** How pages write times: {@code ${@formats.utc(instant)}}. */
@Component("formats")
public class Formats {

    private static final DateTimeFormatter UTC =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter UTC_SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    public String utc(Instant instant) {
        return instant == null ? "" : UTC.format(instant);
    }

    /** An ISO-8601 instant given as text (e.g. a certificate's expiry in metadata), or the text as it is. */
    public String utcText(String iso) {
        try {
            return utc(Instant.parse(iso));
        } catch (RuntimeException notAnInstant) {
            return iso;
        }
    }

    /** A credential's metadata key in words. */
    public String label(String key) {
        return switch (key) {
            case "projectId" -> "Firebase project";
            case "clientEmail" -> "Service account";
            case "privateKeyId" -> "Private key id";
            case "keyId" -> "Key ID";
            case "teamId" -> "Team ID";
            case "topic" -> "Bundle ID";
            case "environment" -> "Environment";
            case "authentication" -> "Authentication";
            case "expiresAt" -> "Certificate expires";
            case "environments" -> "Environments covered";
            case "certificateSubject" -> "Certificate subject";
            case "target" -> "Sends to";
            default -> key;
        };
    }

    /**
     * An id (or any value) cut after each of its separators ({@code - _ : . / @}), for a page that
     * puts a line-break opportunity ({@code <wbr>}) between the parts: a long id then breaks where it
     * separates itself, never in the middle of a part.
     */
    public List<String> parts(String value) {
        List<String> parts = new ArrayList<>();
        if (value == null) {
            return parts;
        }
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if ("-_:./@".indexOf(value.charAt(i)) >= 0 && i + 1 < value.length()) {
                parts.add(value.substring(start, i + 1));
                start = i + 1;
            }
        }
        parts.add(value.substring(start));
        return parts;
    }

    public String utcSeconds(Instant instant) {
        return instant == null ? "" : UTC_SECONDS.format(instant);
    }
}
