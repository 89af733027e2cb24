/**
 * Reference app and embedding samples; filled by the examples issue.
 */
package io.portcullis.examples;
