/** Platform tokens: rotating EC signing keys, JWT issuance, the JWKS and RFC 8414 metadata. */
package io.pushgate.tenant.token;
