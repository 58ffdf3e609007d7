/** What every page shares: the layout's model (member, CSRF token, notices), form errors, one-time values, error pages. */
package io.pushgate.portal.web;
