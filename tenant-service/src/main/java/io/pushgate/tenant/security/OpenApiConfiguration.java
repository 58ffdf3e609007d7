package io.pushgate.tenant.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document's title and its bearer scheme, so that Swagger UI at /docs can call the API with a token. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI controlPlaneApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Pushgate control plane")
                        .description("Tenants, members, AXP configurations, provider credentials, app clients,"
                                + " trusted issuers and the audit log. Sign in with POST /v1/auth/login and use"
                                + " its access_token as the bearer token.")
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
