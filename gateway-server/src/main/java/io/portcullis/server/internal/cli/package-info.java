/** The picocli commands of {@code portcullis}. Not API. */
package io.portcullis.server.internal.cli;
