/** FCM HTTP v1 and APNs emulators: real servers on real sockets for tests, the sandbox and load simulation. */
package io.pushgate.emulator;
