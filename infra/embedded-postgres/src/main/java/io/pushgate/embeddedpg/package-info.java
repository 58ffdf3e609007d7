/** A real PostgreSQL server for the standalone launcher and for tests on machines without one. */
package io.pushgate.embeddedpg;
