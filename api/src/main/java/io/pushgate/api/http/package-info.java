/**
 * What the services' HTTP servers share below Spring: {@link io.pushgate.api.http.MalformedRequestRefusal},
 * the problem answer to a request the HTTP/1.1 decoder could not read.
 */
package io.pushgate.api.http;
