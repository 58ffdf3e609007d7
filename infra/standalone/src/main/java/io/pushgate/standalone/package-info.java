/** The all-in-one launcher behind {@code ./pushgate up}: three services, one process, one database. */
package io.pushgate.standalone;
