package io.pushgate.tenant.security;

import io.pushgate.tenant.platform.Caller;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's title and its bearer scheme, so that Swagger UI at /docs can call the API
 * with a token. An endpoint's {@link Caller} argument is resolved from that token, not sent by a
 * client: the document leaves it out.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static {
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    @Bean
    OpenAPI controlPlaneApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Pushgate control plane")
                        .description("Tenants, members, AXP configurations, provider credentials, app clients,"
                                + " trusted issuers and the audit log. Sign in with POST /v1/auth/login and use"
                                + " its access_token as the bearer token; POST /v1/auth/refresh exchanges its"
                                + " refresh_token (once) for new tokens, POST /v1/auth/logout revokes it.")
                        .version("v1"))
                .components(new Components()
                        .addSecuritySchemes(
                                "platformToken",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .bearerFormat("JWT")))
                .addSecurityItem(new SecurityRequirement().addList("platformToken"));
    }
}
