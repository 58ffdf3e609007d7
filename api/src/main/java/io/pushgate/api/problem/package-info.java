/** The stable RFC 9457 problem {@code type} URIs that Pushgate's HTTP answers carry. */
package io.pushgate.api.problem;
