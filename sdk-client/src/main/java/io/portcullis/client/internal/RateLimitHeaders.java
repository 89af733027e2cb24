package io.portcullis.client.internal;

import io.portcullis.client.RateLimitInfo;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code Retry-After} and the IETF draft {@code RateLimit} / {@code RateLimit-Policy} headers. */
public final class RateLimitHeaders {
    private RateLimitHeaders() {
    }

    /** {@code Retry-After} as delta-seconds or an HTTP date (relative to {@code now}); null if absent or unreadable. */
    public static Duration retryAfter(HttpHeaders headers, Instant now) {
        String v = headers.firstValue("retry-after").orElse(null);
        if (v == null) {
            return null;
        }
        v = v.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(now, at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** One entry per named limit, policy ({@code q}, {@code w}) and state ({@code r}, {@code t}) joined by name. */
    public static List<RateLimitInfo> limits(HttpHeaders headers) {
        Map<String, long[]> byName = new LinkedHashMap<>(); // q, w, r, t; -1 unknown
        for (String h : headers.allValues("ratelimit-policy")) {
            for (Map.Entry<String, Map<String, Long>> item : items(h).entrySet()) {
                long[] v = byName.computeIfAbsent(item.getKey(), k -> new long[] {-1, -1, -1, -1});
                v[0] = item.getValue().getOrDefault("q", -1L);
                v[1] = item.getValue().getOrDefault("w", -1L);
            }
        }
        for (String h : headers.allValues("ratelimit")) {
            for (Map.Entry<String, Map<String, Long>> item : items(h).entrySet()) {
                long[] v = byName.computeIfAbsent(item.getKey(), k -> new long[] {-1, -1, -1, -1});
                v[2] = item.getValue().getOrDefault("r", -1L);
                v[3] = item.getValue().getOrDefault("t", -1L);
            }
        }
        List<RateLimitInfo> out = new ArrayList<>(byName.size());
        byName.forEach((name, v) -> out.add(new RateLimitInfo(name.isEmpty() ? null : name, v[0],
                v[1] < 0 ? null : Duration.ofSeconds(v[1]), v[2], v[3] < 0 ? null : Duration.ofSeconds(v[3]))));
        return out;
    }

    /**
     * The longest {@code t} among limits with nothing remaining: when the gateway sends no
     * {@code Retry-After}, that is the earliest a retry can pass every exhausted limit. Null if none.
     */
    public static Duration exhaustedReset(List<RateLimitInfo> limits) {
        Duration longest = null;
        for (RateLimitInfo l : limits) {
            if (l.remaining() == 0 && l.reset() != null && (longest == null || l.reset().compareTo(longest) > 0)) {
                longest = l.reset();
            }
        }
        return longest;
    }

    /**
     * A structured-field list, loosely: {@code "name";a=1;b=2, "other";a=3}. Items are keyed by their
     * (unquoted) name; only integer parameters are kept. Malformed parts are skipped, never thrown.
     */
    static Map<String, Map<String, Long>> items(String header) {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (String item : splitOutsideQuotes(header, ',')) {
            List<String> parts = splitOutsideQuotes(item, ';');
            if (parts.isEmpty()) {
                continue;
            }
            String name = parts.get(0).trim();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1);
            }
            Map<String, Long> params = new LinkedHashMap<>();
            for (int k = 1; k < parts.size(); k++) {
                String p = parts.get(k).trim();
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                try {
                    params.put(p.substring(0, eq).trim(), Long.parseLong(p.substring(eq + 1).trim()));
                } catch (NumberFormatException ignored) {
                    // a non-integer parameter (e.g. pk=:...:) is not one we use
                }
            }
            out.put(name, params);
        }
        return out;
    }

    private static List<String> splitOutsideQuotes(String s, char sep) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == sep && !quoted) {
                out.add(s.substring(start, k));
                start = k + 1;
            }
        }
        out.add(s.substring(start));
        out.removeIf(x -> x.isBlank());
        return out;
    }
}
