package io.portcullis.gateway.internal.http;

/**
 * A request-target split into its parts by {@link PathNormalizer#parseTarget(String)}. Nothing is
 * decoded or normalised yet: pass {@code rawPath} to {@link PathNormalizer#normalize(String)} and
 * the authority to {@link PathNormalizer#normalizeHost(CharSequence)}.
 *
 * @param authorityOrNull the authority of an absolute-form target ({@code host[:port]}), which
 *                        replaces the Host header (RFC 9112, 3.2.2); null for origin and asterisk form
 * @param rawPath         the path, starting with {@code /}; {@code *} for the asterisk form
 * @param rawQueryOrNull  the query without its {@code ?}, kept byte for byte; null when there is
 *                        no {@code ?}, empty when the target ends with one
 */
public record RequestTarget(String authorityOrNull, String rawPath, String rawQueryOrNull) {

    /** Whether this is the asterisk form ({@code OPTIONS *}). */
    public boolean isAsterisk() {
        return "*".equals(rawPath);
    }
}
