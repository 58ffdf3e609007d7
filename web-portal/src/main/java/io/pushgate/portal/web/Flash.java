package io.pushgate.portal.web;

import java.util.HashMap;
import java.util.Map;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Values kept in the session for the next page only: a notice after a change, and one-time values
 * (a new secret) that one page shows once and then forgets, so that neither a reload nor the
 * browser's history shows them again.
 */
public final class Flash {

    private static final String ATTRIBUTE = Flash.class.getName();

    private Flash() {}

    public static Mono<Void> put(ServerWebExchange exchange, String key, Object value) {
        return exchange.getSession()
                .doOnNext(session -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> values = (Map<String, Object>)
                            session.getAttributes().computeIfAbsent(ATTRIBUTE, name -> new HashMap<String, Object>());
                    synchronized (values) {
                        values.put(key, value);
                    }
                })
                .then();
    }

    /** The value under {@code key}, removed; empty when there is none. */
    public static <T> Mono<T> take(ServerWebExchange exchange, String key, Class<T> type) {
        return exchange.getSession().mapNotNull(session -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> values = (Map<String, Object>) session.getAttribute(ATTRIBUTE);
            if (values == null) {
                return null;
            }
            synchronized (values) {
                Object value = values.remove(key);
                return type.isInstance(value) ? type.cast(value) : null;
            }
        });
    }

    /** A notice for the next page ("Configuration saved."). */
    public static Mono<Void> notice(ServerWebExchange exchange, String text) {
        return put(exchange, "notice", text);
    }
}
