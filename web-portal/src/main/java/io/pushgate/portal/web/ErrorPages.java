package io.pushgate.portal.web;

import io.pushgate.portal.session.PageRefused;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.autoconfigure.web.ErrorProperties;
import org.springframework.boot.autoconfigure.web.WebProperties;
import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.boot.webflux.autoconfigure.error.DefaultErrorWebExceptionHandler;
import org.springframework.boot.webflux.error.ErrorAttributes;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The page for whatever no page answered — an address that is no page, a form the security rules
 * refuse ({@link PageRefused}: its CSRF token, the member's role), a fault — as {@code error.html}
 * inside the layout: with the header, the navigation and the member when the browser's session is
 * signed in, plain when it is not. Always a page (the portal is a browser's), never Spring Boot's JSON;
 * an htmx request gets it as the whole page, not swapped into a fragment. A page whose backend refused
 * is {@link PortalModel}'s, with the same layout.
 */
final class ErrorPages extends DefaultErrorWebExceptionHandler {

    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

    private final PageLayout layout;

    ErrorPages(
            ErrorAttributes errorAttributes,
            WebProperties.Resources resources,
            ApplicationContext applicationContext,
            PageLayout layout) {
        super(errorAttributes, resources, new ErrorProperties(), applicationContext);
        this.layout = layout;
    }

    @Override
    protected RouterFunction<ServerResponse> getRoutingFunction(ErrorAttributes errorAttributes) {
        return RouterFunctions.route(RequestPredicates.all(), this::renderErrorView);
    }

    @Override
    protected Mono<ServerResponse> renderErrorView(ServerRequest request) {
        Throwable error = getError(request);
        int status = getHttpStatus(getErrorAttributes(request, ErrorAttributeOptions.defaults()));
        String title;
        String message;
        if (error instanceof PageRefused refused) {
            title = refused.title();
            message = refused.text();
        } else if (status == 404 || status == 405) {
            title = "Not found";
            message = "There is no page at this address. It may have moved, or the link may be mistyped.";
        } else if (status >= 500) {
            title = "Something did not work";
            message = "The portal could not show this page. Try again in a moment; if it goes on, the service"
                    + " status says which part does not answer.";
        } else {
            title = "This request could not be used";
            message = "The portal could not read what the browser sent. Go back, reload the page and try again.";
        }
        boolean htmx = request.headers().firstHeader("HX-Request") != null;
        return layout.model(request.exchange()).flatMap(model -> {
            model.put("title", title);
            model.put("message", message);
            return ServerResponse.status(status)
                    .contentType(HTML)
                    .headers(headers -> {
                        if (htmx) {
                            // htmx swaps the whole page in, like a page load
                            headers.set("HX-Retarget", "body");
                            headers.set("HX-Reswap", "innerHTML");
                        }
                    })
                    .render("error", model);
        });
    }
}
