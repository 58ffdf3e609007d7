package io.pushgate.delivery.apidoc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.web.reactive.function.server.MockServerRequest;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.UriComponents;
import reactor.core.publisher.Mono;

/**
 * A query parameter a handler reads is one its route declares, and the document shows what the route
 * declares: delivery-service reads a request's query only through {@link Query}, which refuses a
 * parameter the route did not declare, and {@link ApiDocument} describes each route's declaration —
 * so a new query parameter cannot be read without being in {@code /v3/api-docs} and the cross-tenant
 * matrix that attacks it.
 */
class QueryDeclarationTests {

    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.pushgate.delivery");

    /** Every method that reads a request's query some other way: each is the owner's name, a dot and the method's. */
    private static final Set<String> QUERY_READERS = Set.of(
            ServerRequest.class.getName() + ".queryParam",
            ServerRequest.class.getName() + ".queryParams",
            ServerRequest.class.getName() + ".bind",
            ServerHttpRequest.class.getName() + ".getQueryParams",
            UriComponents.class.getName() + ".getQueryParams",
            UriComponents.class.getName() + ".getQuery",
            URI.class.getName() + ".getQuery",
            URI.class.getName() + ".getRawQuery");

    private static final QueryParameter DECLARED = QueryParameter.cursor();
    private static final QueryParameter UNDECLARED = QueryParameter.text("sessionId", 128, "the AXP session's id");

    @Test
    void onlyQueryReadsTheQueryOfARequest() {
        noClasses()
                .that()
                .resideInAPackage("io.pushgate.delivery..")
                .and()
                .doNotBelongToAnyOf(Query.class)
                .should()
                .callMethodWhere(DescribedPredicate.describe(
                        "reads a request's query other than through apidoc.Query (which makes the document show it)",
                        (JavaMethodCall call) ->
                                QUERY_READERS.contains(call.getTargetOwner().getName() + "." + call.getName())))
                .check(MAIN_CLASSES);
    }

    @Test
    void aHandlerReadsTheParametersItsRouteDeclares() {
        ServerRequest request = MockServerRequest.builder()
                .queryParam("cursor", "c1")
                .queryParam("sessionId", "s1")
                .build();

        List<String> read = new ArrayList<>();
        Query.reading(List.of(DECLARED), (in, query) -> {
                    query.first(DECLARED).ifPresent(read::add);
                    read.addAll(query.all(DECLARED));
                    return Mono.empty();
                })
                .handle(request)
                .block();

        assertThat(read).containsExactly("c1", "c1");
    }

    @Test
    void aParameterItsRouteDoesNotDeclareIsNeverRead() {
        ServerRequest request =
                MockServerRequest.builder().queryParam("sessionId", "s1").build();

        assertThatThrownBy(() -> Query.reading(List.of(DECLARED), (in, query) -> {
                            query.first(UNDECLARED);
                            return Mono.empty();
                        })
                        .handle(request))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sessionId");
        assertThatThrownBy(() -> Query.reading(List.of(DECLARED), (in, query) -> {
                            query.all(UNDECLARED);
                            return Mono.empty();
                        })
                        .handle(request))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theDocumentShowsEachRoutesDeclaredParametersAndNoOthers() {
        RouterFunction<ServerResponse> router = route(
                        GET("/v1/things"),
                        Query.reading(List.of(DECLARED, UNDECLARED), (request, query) -> Mono.empty()))
                .andRoute(GET("/v1/things/{id}"), request -> Mono.empty());

        List<ApiDocument.Route> routes = ApiDocument.routes(router);

        assertThat(routes)
                .extracting(ApiDocument.Route::method, ApiDocument.Route::path)
                .containsExactly(tuple(HttpMethod.GET, "/v1/things"), tuple(HttpMethod.GET, "/v1/things/{id}"));
        assertThat(ApiDocument.operation(routes.get(0)).getParameters())
                .extracting(Parameter::getIn, Parameter::getName)
                .containsExactly(tuple("query", "cursor"), tuple("query", "sessionId"));
        assertThat(ApiDocument.operation(routes.get(1)).getParameters())
                .extracting(Parameter::getIn, Parameter::getName)
                .containsExactly(tuple("path", "id"));
    }
}
