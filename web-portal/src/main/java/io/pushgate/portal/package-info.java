/** web-portal: the tenant admins' UI; it owns no data and keeps no tokens in the browser. */
package io.pushgate.portal;
