/** delivery-service: the data plane of Pushgate, owner of the {@code delivery} schema. */
package io.pushgate.delivery;
