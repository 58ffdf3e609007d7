package io.pushgate.delivery.apidoc;

import java.util.List;
import java.util.Optional;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The query of one request, as its handler declared it: the only way delivery-service's code reads a
 * query parameter ({@code QueryDeclarationTests} refuses any other), and only one its route declared
 * ({@link #reading}): the same declaration is the route's parameters in {@code /v3/api-docs}, so a
 * parameter a handler reads is in the document, and in the cross-tenant matrix that attacks every id
 * and cursor there, without anyone remembering to list it.
 */
public final class Query {

    private final ServerRequest request;
    private final List<QueryParameter> declared;

    private Query(ServerRequest request, List<QueryParameter> declared) {
        this.request = request;
        this.declared = declared;
    }

    /** A handler that reads query parameters: the request, and its query as the route declared it. */
    @FunctionalInterface
    public interface Handler {
        Mono<ServerResponse> handle(ServerRequest request, Query query);
    }

    /** {@code handler}, which reads the query parameters {@code declared} and no other. */
    public static HandlerFunction<ServerResponse> reading(List<QueryParameter> declared, Handler handler) {
        return new Reading(List.copyOf(declared), handler);
    }

    /** The parameter's first value, none when the query does not name it. */
    public Optional<String> first(QueryParameter parameter) {
        return request.queryParam(declared(parameter).name());
    }

    /** Every value of the parameter, in the query's order; none when the query does not name it. */
    public List<String> all(QueryParameter parameter) {
        return request.queryParams().getOrDefault(declared(parameter).name(), List.of());
    }

    private QueryParameter declared(QueryParameter parameter) {
        if (!declared.contains(parameter)) {
            throw new IllegalStateException("the query parameter " + parameter.name()
                    + " is read but its route does not declare it (Query.reading): /v3/api-docs would not show it");
        }
        return parameter;
    }

    /** A route's handler with the query parameters it reads, which {@link ApiDocument} describes. */
    record Reading(List<QueryParameter> declared, Handler handler) implements HandlerFunction<ServerResponse> {

        @Override
        public Mono<ServerResponse> handle(ServerRequest request) {
            return handler.handle(request, new Query(request, declared));
        }
    }
}
