/**
 * Who is signed in and how the browser proves it: the session cookie, the member's platform tokens
 * kept server-side in the session, CSRF, the security headers and the role rules.
 */
package io.pushgate.portal.session;
