/** The AXP simulator: signed callbacks at a fixed rate or concurrency, and the check that none was lost. */
package io.pushgate.loadgen;
