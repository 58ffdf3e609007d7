/** Rate limits from tenants' plans (bucket4j): the callback ingress's per tenant, in process or shared in Redis. */
package io.pushgate.delivery.limit;
