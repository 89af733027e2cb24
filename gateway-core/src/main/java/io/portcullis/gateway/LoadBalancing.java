package io.portcullis.gateway;

import static io.portcullis.gateway.ConfigException.check;

import java.util.Locale;

/**
 * How a cluster picks an endpoint for a request.
 *
 * @param algorithm which algorithm
 * @param hashKey   for {@link Algorithm#HASH}: {@code header:NAME}, {@code cookie:NAME} or {@code client-ip};
 *                  must be null otherwise. A request without the key gets a random endpoint.
 */
public record LoadBalancing(Algorithm algorithm, String hashKey) {

    /** The balancing algorithms. */
    public enum Algorithm {
        /** Smooth weighted round robin, as nginx's default: even interleaving in proportion to weights. */
        ROUND_ROBIN,
        /** Power of two random choices: of two random endpoints, the one with fewer requests in flight. */
        LEAST_REQUEST,
        /** Consistent hashing (a ring with 160 points per unit of weight) on {@code hashKey}, for sticky routing. */
        HASH
    }

    private static final LoadBalancing ROUND_ROBIN = new LoadBalancing(Algorithm.ROUND_ROBIN, null);

    public LoadBalancing {
        algorithm = algorithm == null ? Algorithm.ROUND_ROBIN : algorithm;
        if (algorithm == Algorithm.HASH) {
            ConfigException.required(hashKey, "hashKey", "header:NAME, cookie:NAME or client-ip");
            String k = hashKey.trim();
            String lower = k.toLowerCase(Locale.ROOT);
            boolean ok = lower.equals("client-ip")
                    || ((lower.startsWith("header:") || lower.startsWith("cookie:")) && k.length() > 7
                        && k.substring(7).chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':' && c != ';' && c != '='));
            check(ok, "hashKey", "'" + hashKey + "' (expected: header:NAME, cookie:NAME or client-ip)");
            hashKey = lower.equals("client-ip") ? "client-ip" : lower.substring(0, 7) + k.substring(7);
        } else {
            check(hashKey == null, "hashKey", "set for " + algorithm + " (expected: only with HASH)");
        }
    }

    public static LoadBalancing roundRobin() {
        return ROUND_ROBIN;
    }

    public static LoadBalancing leastRequest() {
        return new LoadBalancing(Algorithm.LEAST_REQUEST, null);
    }

    /** Consistent hashing on {@code key}: {@code header:NAME}, {@code cookie:NAME} or {@code client-ip}. */
    public static LoadBalancing hash(String key) {
        return new LoadBalancing(Algorithm.HASH, key);
    }
}
