package io.pushgate.delivery.apidoc;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.PathParameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * delivery-service's OpenAPI document ({@code /v3/api-docs}): every route of every {@link
 * RouterFunction} bean, read from the routes themselves, so that a new route is in the document
 * without anyone remembering to describe it (SpringDoc lists a functional route only when it is
 * annotated). Each operation has its path variables, the query parameters its handler reads (declared
 * with the handler, {@link Query#reading}, the only way a handler reads one), and the request bodies
 * the API reads have their schema (an id's schema says it is one: {@code format: uuid} or a name
 * ending in {@code Id}; a page's cursor is {@code cursor}), so that a client — and the cross-tenant
 * matrix of infra/standalone, which attacks every one — sees every input of every route. A handler
 * that reads a new body adds its schema here. A catch-all pattern ({@code /axp/callbacks/**}, which
 * answers problems for paths that are not routes) is not an endpoint and is left out.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocument {

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");

    /** The request bodies the API reads, by method and path (README, "Device registration"). */
    private static final Map<String, Schema<?>> BODIES = Map.of(
            "PUT /v1/device-registrations/{deviceToken}", registration(),
            "PUT /custom-notification-connector/device-registrations/{deviceToken}", registration(),
            "POST /v1/device-registrations:search", search(),
            "POST /custom-notification-connector/device-registrations:search", search());

    @Bean
    OpenApiCustomizer everyRoute(ObjectProvider<RouterFunction<?>> routers) {
        return document -> {
            document.info(new Info()
                    .title("Pushgate delivery-service")
                    .description("AXP callbacks, device registrations, the delivery read API.")
                    .version("v1"));
            Paths paths = document.getPaths() == null ? new Paths() : document.getPaths();
            routers.orderedStream().forEach(router -> {
                for (Route route : routes(router)) {
                    PathItem item = paths.computeIfAbsent(route.path(), path -> new PathItem());
                    item.operation(PathItem.HttpMethod.valueOf(route.method().name()), operation(route));
                }
            });
            document.setPaths(paths);
        };
    }

    static Operation operation(Route route) {
        Operation operation = new Operation()
                .operationId(route.method().name().toLowerCase(Locale.ROOT)
                        + route.path().replaceAll("[^A-Za-z0-9]+", "_"))
                .responses(new ApiResponses().addApiResponse("default", new ApiResponse().description("see README")));
        Matcher variables = VARIABLE.matcher(route.path());
        while (variables.find()) {
            operation.addParametersItem(
                    new PathParameter().name(variables.group(1)).schema(new StringSchema()));
        }
        for (QueryParameter parameter : route.query()) {
            operation.addParametersItem(parameter.describe());
        }
        Schema<?> body = BODIES.get(route.method().name() + " " + route.path());
        if (body != null) {
            operation.requestBody(new RequestBody()
                    .required(true)
                    .content(new Content().addMediaType("application/json", new MediaType().schema(body))));
        }
        return operation;
    }

    /** A route: one method, one concrete path pattern and the query parameters its handler reads. */
    record Route(HttpMethod method, String path, List<QueryParameter> query) {}

    /** The routes of {@code router}: each method and path its predicates name, nested paths joined. */
    static List<Route> routes(RouterFunction<?> router) {
        List<Route> routes = new ArrayList<>();
        Deque<String> prefixes = new ArrayDeque<>();
        router.accept(new RouterFunctions.Visitor() {
            @Override
            public void startNested(RequestPredicate predicate) {
                Parts parts = Parts.of(predicate);
                prefixes.push((prefixes.isEmpty() ? "" : prefixes.peek()) + (parts.path == null ? "" : parts.path));
            }

            @Override
            public void endNested(RequestPredicate predicate) {
                prefixes.pop();
            }

            @Override
            public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
                Parts parts = Parts.of(predicate);
                String path = (prefixes.isEmpty() ? "" : prefixes.peek()) + (parts.path == null ? "" : parts.path);
                if (path.isEmpty() || path.contains("*") || parts.methods.isEmpty()) {
                    return;
                }
                List<QueryParameter> query = handler instanceof Query.Reading reading ? reading.declared() : List.of();
                for (HttpMethod method : parts.methods) {
                    routes.add(new Route(method, path, query));
                }
            }

            @Override
            public void resources(Function<ServerRequest, Mono<Resource>> lookup) {}

            @Override
            public void attributes(Map<String, Object> attributes) {}

            @Override
            public void unknown(RouterFunction<?> routerFunction) {}
        });
        return routes;
    }

    /** The methods and the path a predicate names. */
    private static final class Parts implements RequestPredicates.Visitor {

        final Set<HttpMethod> methods = new TreeSet<>((a, b) -> a.name().compareTo(b.name()));
        String path;

        static Parts of(RequestPredicate predicate) {
            Parts parts = new Parts();
            predicate.accept(parts);
            return parts;
        }

        @Override
        public void method(Set<HttpMethod> methods) {
            this.methods.addAll(methods);
        }

        @Override
        public void path(String pattern) {
            this.path = pattern;
        }

        @Override
        @SuppressWarnings("removal")
        public void pathExtension(String extension) {}

        @Override
        public void header(String name, String value) {}

        @Override
        public void queryParam(String name, String value) {}

        @Override
        public void version(String version) {}

        @Override
        public void startAnd() {}

        @Override
        public void and() {}

        @Override
        public void endAnd() {}

        @Override
        public void startOr() {}

        @Override
        public void or() {}

        @Override
        public void endOr() {}

        @Override
        public void startNegate() {}

        @Override
        public void endNegate() {}

        @Override
        public void unknown(RequestPredicate predicate) {}
    }

    private static Schema<?> registration() {
        ObjectSchema schema = new ObjectSchema();
        schema.addProperty(
                "configId",
                new StringSchema().description("the AXP Configuration Id of one of the tenant's configurations"));
        schema.addProperty("sessionId", new StringSchema());
        schema.addProperty("customerId", new StringSchema());
        schema.addProperty("platform", new StringSchema()._enum(List.of("android", "ios")));
        schema.addProperty("provider", new StringSchema()._enum(List.of("fcm", "apns")));
        schema.addProperty("apnsEnvironment", new StringSchema()._enum(List.of("production", "sandbox")));
        schema.addProperty("appId", new StringSchema());
        schema.setRequired(List.of("configId", "sessionId", "platform"));
        return schema;
    }

    private static Schema<?> search() {
        ObjectSchema schema = new ObjectSchema();
        schema.addProperty("sessionId", new StringSchema());
        schema.addProperty("customerId", new StringSchema());
        return schema;
    }
}
