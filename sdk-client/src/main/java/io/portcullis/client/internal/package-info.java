/** Implementation details of the SDK; not API, may change in any release. */
package io.portcullis.client.internal;
