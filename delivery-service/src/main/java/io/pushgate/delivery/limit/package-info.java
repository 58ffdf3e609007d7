/** Rate limits from tenants 'plans (bucket4j) on one machinery: callbacks and registration calls per tenant (refused with 429), open registration per address and configuration, pushes per credential (shaped, never refused); in process or shared in Redis. */
package io.pushgate.delivery.limit;
