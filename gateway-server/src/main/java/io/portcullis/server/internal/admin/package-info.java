/** The admin listener (JDK HTTP server on its own thread, never a gateway event loop). Not API. */
package io.portcullis.server.internal.admin;
