/**
 * What a tenant sees of its callbacks: the last refused ones of each configuration with the reason
 * and what to fix in AXP, and which secret verified the others since the last rotation; both
 * gathered in memory on the callback path and written in batches off it.
 */
package io.pushgate.delivery.callbacklog;
