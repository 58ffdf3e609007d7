package io.pushgate.portal.backend;

import java.util.List;

/** One page of a backend list: {@code {"items": [...], "nextCursor": null | "..."}}. */
public record Page<T>(List<T> items, String nextCursor) {

    public Page {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
