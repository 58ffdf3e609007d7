/**
 * Shared test fixtures: where integration tests find PostgreSQL and Redis, how a context gets them,
 * and a token issuer serving its JWKS.
 */
package io.pushgate.testkit;
