/** Group commit in general: concurrent calls of one kind run as one statement, acknowledged only after it. */
package io.pushgate.delivery.batching;
