/** The one security filter chain of tenant-service: public sign-up/sign-in/OAuth endpoints, bearer tokens for /v1. */
package io.pushgate.tenant.security;
