/** Signing up, in and out. */
package io.pushgate.portal.account;
