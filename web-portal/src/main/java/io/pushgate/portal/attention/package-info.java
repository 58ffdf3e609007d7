/** The home page's health: what needs the tenant's attention (delivery-service's {@code GET /v1/attention}), each with what to do and where. */
package io.pushgate.portal.attention;
