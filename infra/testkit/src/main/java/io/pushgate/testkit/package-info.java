/** Shared test fixtures: where integration tests find PostgreSQL and Redis, and how a context gets them. */
package io.pushgate.testkit;
