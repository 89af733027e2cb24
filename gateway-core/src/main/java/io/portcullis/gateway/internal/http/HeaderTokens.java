package io.portcullis.gateway.internal.http;

/** Comma-separated header lists ({@code Connection}, {@code Upgrade}, {@code Cache-Control}, {@code Vary}...). */
public final class HeaderTokens {
    private HeaderTokens() {
    }

    /**
     * Whether the list {@code value} has an element equal to {@code token} (case-insensitive,
     * whitespace trimmed); an element's parameters ({@code ;...}) and values ({@code =...}) are ignored.
     */
    public static boolean containsToken(String value, CharSequence token) {
        int start = 0;
        for (int i = 0; i <= value.length(); i++) {
            if (i == value.length() || value.charAt(i) == ',') {
                int s = start;
                int e = i;
                for (int k = s; k < e; k++) {
                    char c = value.charAt(k);
                    if (c == ';' || c == '=') {
                        e = k;
                        break;
                    }
                }
                while (s < e && (value.charAt(s) == ' ' || value.charAt(s) == '\t')) {
                    s++;
                }
                while (e > s && (value.charAt(e - 1) == ' ' || value.charAt(e - 1) == '\t')) {
                    e--;
                }
                if (e - s == token.length() && value.regionMatches(true, s, token.toString(), 0, e - s)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }
}
