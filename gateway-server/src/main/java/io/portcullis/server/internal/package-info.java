/** Internals of the standalone server: embedded default, certificates, admin listener, CLI. Not API. */
package io.portcullis.server.internal;
