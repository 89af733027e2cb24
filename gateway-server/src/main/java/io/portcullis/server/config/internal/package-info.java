/** Internals of the YAML binding: node types, substitution, suggestions, schema generation. Not API. */
package io.portcullis.server.config.internal;
