package io.portcullis.gateway.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import io.netty.util.AsciiString;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.internal.cache.LoopCaches;
import io.portcullis.gateway.internal.tls.PemFiles;
import io.portcullis.gateway.policy.Policy;
import io.portcullis.gateway.policy.PolicyProvider;
import io.portcullis.gateway.policy.PolicySpec;
import io.portcullis.gateway.policy.ProviderContext;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: jwt}: accepts a request only with a valid JSON Web Token, and optionally only with
 * certain scopes or roles. See {@code docs/policies.md} for every setting; in short:
 *
 * <ul>
 *   <li>{@code issuers}: a list of {@code {issuer, jwksUrl | jwksFile | publicKeys | secret | keySource,
 *       algorithms, audiences, requiredClaims, ...}}; the token's {@code iss} picks one.</li>
 *   <li>{@code bearer} (true) / {@code cookie}: where the token comes from.</li>
 *   <li>{@code scopes}, {@code scopesMatch} (all), {@code roles}, {@code rolesMatch} (any),
 *       {@code rolesClaim} (roles): authorization.</li>
 *   <li>{@code claimHeaders}: upstream headers made from claims, e.g. {@code X-User-Id: sub};
 *       stripped from every incoming request.</li>
 * </ul>
 *
 * <p>Key sets from a JWKS URL are fetched off the event loop and shared by every route naming the
 * same URL; verified tokens are cached (bounded, never past {@code exp}).
 */
public final class JwtProvider implements PolicyProvider {
    private static final Logger LOG = LoggerFactory.getLogger(JwtProvider.class);
    static final Set<JWSAlgorithm> DEFAULT_ALGORITHMS =
            Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA);
    private static final int MIN_SECRET_BYTES = 32;

    /** JWKS sources of this gateway by URL: routes naming the same URL share one fetcher and key set. */
    private final Map<String, RemoteJwks> remotes = new HashMap<>();
    /** The context {@link #remotes} belong to: a provider given in code serves every configuration of a gateway. */
    private ProviderContext remotesContext;
    private final Map<String, JwtKeySource> keySources;

    /** The provider {@link java.util.ServiceLoader} finds: keys from URLs, files and secrets. */
    public JwtProvider() {
        this(Map.of());
    }

    /**
     * A provider that also knows key sets supplied in code, by name: an issuer with
     * {@code keySource: <name>} uses that {@link JwtKeySource}. Give it to the gateway in code
     * ({@code Gateway.Builder.policyProvider}); it replaces the found one.
     */
    public JwtProvider(Map<String, ? extends JwtKeySource> keySources) {
        this.keySources = Map.copyOf(keySources);
    }

    @Override
    public String type() {
        return "jwt";
    }

    @Override
    public Policy create(PolicySpec spec, ProviderContext context) {
        List<PolicySpec> entries = spec.entries("issuers");
        ConfigException.check(!entries.isEmpty(), "settings.issuers", "missing (expected: at least one issuer)");
        Map<String, IssuerRule> issuers = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            IssuerRule rule = issuer(entries.get(i), "settings.issuers[" + i + "].", context);
            ConfigException.check(issuers.put(rule.issuer(), rule) == null, "settings.issuers[" + i + "].issuer",
                    "'" + rule.issuer() + "' is listed twice");
        }
        boolean bearer = spec.bool("bearer", true);
        String cookie = spec.string("cookie", null);
        ConfigException.check(cookie == null || (!cookie.isEmpty()
                        && cookie.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '=' && c != ';' && c != ',')),
                "settings.cookie", "'" + cookie + "' (expected: a cookie name)");
        ConfigException.check(bearer || cookie != null, "settings.bearer", "false without a cookie (expected: a place to find the token)");
        int maxTokenBytes = (int) spec.number("maxTokenBytes", 8192, 256, 65536);
        Duration skew = spec.duration("clockSkew", Duration.ofSeconds(60));
        ConfigException.check(!skew.isNegative() && skew.compareTo(Duration.ofMinutes(10)) <= 0, "settings.clockSkew",
                skew + " (expected: 0s to 10m)");
        boolean requireExp = spec.bool("requireExp", true);
        Set<String> scopes = Collections.unmodifiableSet(new LinkedHashSet<>(spec.strings("scopes")));
        boolean allScopes = match(spec, "scopesMatch", "all");
        Set<String> roles = Collections.unmodifiableSet(new LinkedHashSet<>(spec.strings("roles")));
        boolean allRoles = match(spec, "rolesMatch", "any");
        String rolesClaim = spec.string("rolesClaim", "roles");
        Map<String, String> claimHeaders = spec.stringMap("claimHeaders");
        AsciiString[] headerNames = new AsciiString[claimHeaders.size()];
        String[] headerClaims = new String[claimHeaders.size()];
        int j = 0;
        for (Map.Entry<String, String> e : claimHeaders.entrySet()) {
            String name = e.getKey().trim().toLowerCase(Locale.ROOT);
            ConfigException.check(!name.isEmpty() && name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':'),
                    "settings.claimHeaders." + e.getKey(), "not a header name");
            ConfigException.check(!name.equals("authorization") && !name.equals("host") && !name.equals("cookie")
                            && !name.startsWith(":") && !name.equals("content-length") && !name.equals("transfer-encoding"),
                    "settings.claimHeaders." + e.getKey(), "a header the gateway cannot hand to claims");
            headerNames[j] = AsciiString.cached(name);
            headerClaims[j++] = e.getValue();
        }
        boolean forwardToken = spec.bool("forwardToken", true);
        boolean optional = spec.bool("optional", false);
        String realm = spec.string("realm", "portcullis");
        ConfigException.check(realm.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\'),
                "settings.realm", "'" + realm + "' (expected: printable text without quotes)");
        long cacheSize = spec.number("cacheSize", 10_000, 0, 10_000_000);
        Duration cacheTtl = spec.duration("cacheTtl", Duration.ofMinutes(5));
        Clock clock = context.clock();
        Cache<TokenKey, VerifiedToken> cache = cacheSize == 0 ? null : LoopCaches.builder()
                .maximumSize(cacheSize)
                .expireAfter(lifetime(cacheTtl, clock))
                .build();
        JwtPolicy.Settings settings = new JwtPolicy.Settings(Map.copyOf(issuers), bearer, cookie, maxTokenBytes,
                skew.toMillis(), requireExp, scopes, allScopes, roles, allRoles, rolesClaim, headerNames, headerClaims,
                forwardToken, optional, realm);
        return new JwtPolicy(settings, cache, clock, context.meterRegistry());
    }

    private static boolean match(PolicySpec spec, String key, String defaultValue) {
        String v = spec.string(key, defaultValue);
        ConfigException.check(v.equals("all") || v.equals("any"), "settings." + key, "'" + v + "' (expected: all or any)");
        return v.equals("all");
    }

    /** Cache entries live at most {@code ttl}, and never past the token's own expiry. */
    private static Expiry<TokenKey, VerifiedToken> lifetime(Duration ttl, Clock clock) {
        return new Expiry<>() {
            @Override
            public long expireAfterCreate(TokenKey key, VerifiedToken v, long currentTime) {
                long millis = Math.min(ttl.toMillis(), v.validUntilMillis() - clock.millis());
                return TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis));
            }

            @Override
            public long expireAfterUpdate(TokenKey key, VerifiedToken v, long currentTime, long currentDuration) {
                return expireAfterCreate(key, v, currentTime);
            }

            @Override
            public long expireAfterRead(TokenKey key, VerifiedToken v, long currentTime, long currentDuration) {
                return currentDuration;
            }
        };
    }

    private IssuerRule issuer(PolicySpec e, String path, ProviderContext context) {
        String issuer = e.string("issuer", null);
        ConfigException.check(issuer != null && !issuer.isBlank(), path + "issuer", "missing (expected: the exact iss value)");
        String jwksUrl = e.string("jwksUrl", null);
        String jwksFile = e.string("jwksFile", null);
        List<String> publicKeys = e.strings("publicKeys");
        String secret = e.string("secret", null);
        String keySource = e.string("keySource", null);
        int sources = (jwksUrl != null ? 1 : 0) + (jwksFile != null || !publicKeys.isEmpty() ? 1 : 0) + (secret != null ? 1 : 0)
                + (keySource != null ? 1 : 0);
        ConfigException.check(sources == 1, path + "jwksUrl", sources == 0
                ? "missing (expected: one of jwksUrl, jwksFile/publicKeys, secret or keySource)"
                : "several key sources (expected: one of jwksUrl, jwksFile/publicKeys, secret or keySource)");
        ConfigException.check(keySource == null || keySources.containsKey(keySource), path + "keySource",
                "'" + keySource + "' is not a key source given in code (known: " + String.join(", ", new java.util.TreeSet<>(keySources.keySet())) + ")");
        Set<JWSAlgorithm> algorithms = algorithms(e, path, secret != null);
        Set<String> audiences = Set.copyOf(e.strings("audiences"));
        List<String> requiredClaims = e.strings("requiredClaims");
        Duration refresh = e.duration("refreshInterval", Duration.ofMinutes(5));
        Duration minRefresh = e.duration("minRefreshInterval", Duration.ofSeconds(30));
        Duration fetchTimeout = e.duration("fetchTimeout", Duration.ofSeconds(5));
        String jwksCa = e.string("jwksCa", null);
        ConfigException.check(refresh.compareTo(Duration.ofSeconds(10)) >= 0, path + "refreshInterval", refresh + " (expected: at least 10s)");
        ConfigException.check(!minRefresh.isNegative() && minRefresh.compareTo(refresh) <= 0, path + "minRefreshInterval",
                minRefresh + " (expected: 0s up to refreshInterval)");
        ConfigException.check(fetchTimeout.compareTo(Duration.ofMillis(100)) >= 0 && fetchTimeout.compareTo(Duration.ofMinutes(1)) <= 0,
                path + "fetchTimeout", fetchTimeout + " (expected: 100ms to 1m)");
        e.checkAllRead();
        KeySource keys;
        if (jwksUrl != null) {
            keys = remote(jwksUrl, jwksCa, refresh, minRefresh, fetchTimeout, context, path);
        } else if (keySource != null) {
            ConfigException.check(jwksCa == null, path + "jwksCa", "only used with jwksUrl");
            keys = supplied(keySource, refresh, minRefresh, context);
        } else {
            ConfigException.check(jwksCa == null, path + "jwksCa", "only used with jwksUrl");
            keys = KeySource.fixed(secret != null ? secretKeys(secret, algorithms, path) : localKeys(jwksFile, publicKeys, path));
        }
        return new IssuerRule(issuer, algorithms, audiences, requiredClaims, keys);
    }

    private static Set<JWSAlgorithm> algorithms(PolicySpec e, String path, boolean hmac) {
        List<String> names = e.strings("algorithms");
        if (names.isEmpty()) {
            return hmac ? Set.of(JWSAlgorithm.HS256) : DEFAULT_ALGORITHMS;
        }
        Set<JWSAlgorithm> out = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            JWSAlgorithm alg = JWSAlgorithm.parse(names.get(i).trim());
            VerificationKey.Family family = null;
            for (VerificationKey.Family f : VerificationKey.Family.values()) {
                if (f.algorithms.contains(alg)) {
                    family = f;
                }
            }
            ConfigException.check(family != null, path + "algorithms[" + i + "]", "'" + names.get(i)
                    + "' (expected: RS256/384/512, PS256/384/512, ES256/384/512, EdDSA, Ed25519 or HS256/384/512)");
            // an issuer is either symmetric or asymmetric: mixing them is what algorithm confusion feeds on
            ConfigException.check((family == VerificationKey.Family.HMAC) == hmac, path + "algorithms[" + i + "]",
                    hmac ? "'" + alg + "' with a secret (expected: HS256, HS384 or HS512)"
                         : "'" + alg + "' needs a secret; public-key issuers take RS*, PS*, ES* or EdDSA");
            out.add(alg);
        }
        return Set.copyOf(out);
    }

    private static KeySet secretKeys(String secret, Set<JWSAlgorithm> algorithms, String path) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        int needed = MIN_SECRET_BYTES;
        for (JWSAlgorithm a : algorithms) {
            needed = Math.max(needed, a.equals(JWSAlgorithm.HS512) ? 64 : a.equals(JWSAlgorithm.HS384) ? 48 : 32);
        }
        ConfigException.check(bytes.length >= needed, path + "secret",
                bytes.length + " bytes (expected: at least " + needed + " random bytes for " + algorithms + ")");
        return new KeySet(List.of(VerificationKey.hmac(bytes)));
    }

    private static KeySet localKeys(String jwksFile, List<String> publicKeys, String path) {
        List<VerificationKey> keys = new ArrayList<>();
        if (jwksFile != null) {
            try {
                keys.addAll(KeySet.parse(Files.readString(Path.of(jwksFile)), jwksFile, RemoteJwks.MAX_KEYS).keys);
            } catch (IOException | IllegalArgumentException ex) {
                throw new ConfigException(path + "jwksFile", ex.getMessage());
            }
        }
        for (int i = 0; i < publicKeys.size(); i++) {
            try {
                keys.add(VerificationKey.of(jwk(PemFiles.readPublicKey(Path.of(publicKeys.get(i))))));
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(path + "publicKeys[" + i + "]", ex.getMessage());
            }
        }
        return new KeySet(keys);
    }

    private static JWK jwk(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).build();
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (curve == null) {
                throw new IllegalArgumentException("unsupported EC curve (expected: P-256, P-384 or P-521)");
            }
            return new ECKey.Builder(curve, ec).build();
        }
        if (key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA")) {
            return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Ed25519Keys.rawKey(key))).build();
        }
        throw new IllegalArgumentException("unsupported public key type " + key.getAlgorithm() + " (expected: RSA, EC or Ed25519)");
    }

    private synchronized KeySource remote(String url, String jwksCa, Duration refresh, Duration minRefresh,
                                          Duration fetchTimeout, ProviderContext context, String path) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException ex) {
            throw new ConfigException(path + "jwksUrl", "'" + url + "' is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        ConfigException.check((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null,
                path + "jwksUrl", "'" + url + "' (expected: an http(s) URL)");
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            LOG.warn("{}jwksUrl {} is plain HTTP: whoever can change it in transit can mint tokens; use https", path, url);
        }
        RemoteJwks existing = remotes(context).get(url);
        if (existing != null) {
            return existing;
        }
        SSLContext ssl = null;
        if (jwksCa != null) {
            try {
                ssl = trusting(PemFiles.readCertificates(Path.of(jwksCa)));
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(path + "jwksCa", ex.getMessage());
            }
        }
        RemoteJwks jwks = new RemoteJwks(uri, ssl, refresh, minRefresh, fetchTimeout, context);
        context.closeOnShutdown(jwks); // a reload that replaces these policies retires the fetcher too
        jwks.start();
        remotes.put(url, jwks);
        return jwks;
    }

    /** A key set given in code, refreshed like a URL's; routes naming the same source share it. */
    private synchronized KeySource supplied(String name, Duration refresh, Duration minRefresh, ProviderContext context) {
        String key = "keySource:" + name;
        RemoteJwks existing = remotes(context).get(key);
        if (existing != null) {
            return existing;
        }
        JwtKeySource source = keySources.get(name);
        RemoteJwks jwks = new RemoteJwks(key, () -> {
            JWKSet set = source.keys();
            if (set == null) {
                throw new IllegalStateException("the key source returned no key set");
            }
            return set.toString(true); // public keys only
        }, refresh, minRefresh, context);
        context.closeOnShutdown(jwks);
        jwks.start();
        remotes.put(key, jwks);
        return jwks;
    }

    /** The shared key sets of {@code context}'s configuration (those of an earlier one are closed with it). */
    private Map<String, RemoteJwks> remotes(ProviderContext context) {
        if (remotesContext != context) {
            remotes.clear();
            remotesContext = context;
        }
        return remotes;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    private static SSLContext trusting(List<X509Certificate> cas) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                ks.setCertificateEntry("ca" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception ex) {
            throw new IllegalArgumentException("cannot build a trust store: " + ex.getMessage(), ex);
        }
    }
}
