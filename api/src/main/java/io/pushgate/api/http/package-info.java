/**
 * What the services' HTTP servers share below Spring: {@link io.pushgate.api.http.MalformedRequestRefusal},
 * the problem answer to a request the HTTP/1.1 decoder could not read, and {@link
 * io.pushgate.api.http.ClientGone}, telling a client that went away mid-request from a fault of ours.
 */
package io.pushgate.api.http;
