/**
 * The internal PKI behind {@code portcullis pki}: an offline root CA, an online intermediate CA and
 * the service certificates it issues, kept as PEM files in one directory. Not API.
 */
package io.portcullis.server.internal.pki;
