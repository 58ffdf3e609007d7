/** Client addresses behind proxies: which peers are trusted to say who the client is. */
package io.pushgate.api.net;
