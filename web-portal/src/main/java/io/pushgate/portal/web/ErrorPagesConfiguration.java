package io.pushgate.portal.web;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.web.WebProperties;
import org.springframework.boot.webflux.error.ErrorAttributes;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.result.view.ViewResolver;

/** {@link ErrorPages} in place of Spring Boot's error handler (at its order, before Spring's own). */
@Configuration(proxyBeanMethods = false)
class ErrorPagesConfiguration {

    @Bean
    @Order(-1)
    ErrorWebExceptionHandler errorPages(
            ErrorAttributes errorAttributes,
            WebProperties webProperties,
            ObjectProvider<ViewResolver> viewResolvers,
            ServerCodecConfigurer codecs,
            ApplicationContext applicationContext,
            PageLayout layout) {
        ErrorPages pages = new ErrorPages(errorAttributes, webProperties.getResources(), applicationContext, layout);
        pages.setViewResolvers(viewResolvers.orderedStream().toList());
        pages.setMessageWriters(codecs.getWriters());
        pages.setMessageReaders(codecs.getReaders());
        return pages;
    }
}
