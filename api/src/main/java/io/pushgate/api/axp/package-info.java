/** The AXP notification callback as data: the event AXP posts and the limits Pushgate accepts. */
package io.pushgate.api.axp;
