/** The sandbox provider: a tenant's "sandbox" credential sends to the FCM emulator, and the tenant sees what arrived. */
package io.pushgate.delivery.sandbox;
