/** The secrets-at-rest keyset's rotation: which key seals how many stored secrets, and their re-sealing under the primary. */
package io.pushgate.tenant.keyset;
