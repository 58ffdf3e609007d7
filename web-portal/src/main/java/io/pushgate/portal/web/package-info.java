/**
 * What every page shares: the layout's model (member, CSRF token, notices), form errors, one-time values, error pages,
 * and the browser's address behind trusted proxies ({@code ClientAddressFilter}).
 */
package io.pushgate.portal.web;
