/** App clients (client id + hashed secret) and the OAuth 2.0 token endpoint (client_credentials). */
package io.pushgate.tenant.appclient;
