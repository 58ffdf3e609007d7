/** The shared language of Pushgate's services: the AXP contract, problem types and scopes. */
package io.pushgate.api;
