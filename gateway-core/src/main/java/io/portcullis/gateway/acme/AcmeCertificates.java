package io.portcullis.gateway.acme;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import io.portcullis.gateway.AcmeChallenges;
import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.internal.acme.AcmeStore;
import io.portcullis.gateway.internal.acme.DirectoryAcmeStore;
import io.portcullis.gateway.internal.acme.KeyFiles;
import io.portcullis.gateway.internal.acme.RedisAcmeStore;
import io.portcullis.gateway.internal.acme.SelfSignedCertificates;
import io.portcullis.gateway.internal.tls.PemFiles;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one certificate from an ACME CA valid, in-process (what certbot and a reload cron job do
 * beside nginx). Until the first certificate arrives a self-signed placeholder is served; the
 * issued chain is written to the storage directory and the listener's certificate reload swaps it
 * in for new handshakes, open connections untouched. Renewal when a third of the lifetime remains
 * (or {@link AcmeConfig#renewBefore()}); failures retried with exponential backoff and jitter,
 * never sooner than a rate-limited CA's {@code Retry-After}. ACME calls block, so they run on this
 * manager's own thread, never on an event loop. Challenges: http-01, answered by the gateway's
 * cleartext listeners, or tls-alpn-01, answered in the TLS handshake, through {@link #challenges()}.
 *
 * <p>With {@link AcmeConfig#redis()} several gateway nodes share one certificate: the node that
 * finds it due takes a lock in Redis and orders; the others wait and load what it stored (told by
 * a Redis message, or at the next poll); the pending challenges are in Redis too, so the node the
 * CA reaches answers even if another node placed the order. Each node still serves from its own
 * files in {@link AcmeConfig#storage()}.
 *
 * <pre>{@code
 * AcmeCertificates acme = AcmeCertificates.create(AcmeConfig.of(AcmeConfig.LETS_ENCRYPT, Path.of("/var/lib/portcullis/acme"), "example.com"));
 * Gateway gw = Gateway.builder()
 *         .listener(ListenerConfig.https(443, TlsConfig.of(acme.certificate())))
 *         .listener(ListenerConfig.redirect(80, 443))
 *         .acmeChallenges(acme.challenges())
 *         ...build();
 * gw.start();
 * acme.start();
 * }</pre>
 */
public final class AcmeCertificates implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AcmeCertificates.class);
    private static final Duration PLACEHOLDER_VALIDITY = Duration.ofDays(7);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    private static final Duration MAX_RETRY = Duration.ofHours(6);
    private static final Duration EXPIRY_WARNING = Duration.ofDays(7);
    private static final Duration VALIDATION_TIMEOUT = Duration.ofMinutes(2);
    /** While another node orders: how often to look for what it stored (a Redis message usually comes first). */
    private static final Duration LOCK_POLL = Duration.ofSeconds(5);

    private final AcmeConfig config;
    private final Clock clock;
    private final Path chainFile;
    private final Path keyFile;
    private final Path accountFile;
    private final Map<String, String> pending = new ConcurrentHashMap<>();
    private final Map<String, SslContext> pendingTls = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread;
    private final AcmeStore store;
    private final AtomicLong ordersPlaced = new AtomicLong();
    /** tls-alpn-01 contexts built from challenges other nodes published, by host (at most one per configured name). */
    private final Map<String, Map.Entry<AcmeStore.Stored, SslContext>> sharedTls = new ConcurrentHashMap<>();
    private volatile boolean started;
    private boolean waitingLogged; // on the manager thread
    private ScheduledFuture<?> next; // guarded by this
    private int failures; // on the manager thread
    private volatile X509Certificate current;
    private volatile Instant ariRenewAt;
    private volatile Instant nextAttempt;
    private volatile String lastError;

    private AcmeCertificates(AcmeConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        KeyFiles.directory(config.storage());
        KeyFiles.directory(config.storage().resolve(config.domains().get(0)));
        this.chainFile = config.certificate().certificateChain();
        this.keyFile = config.certificate().privateKey();
        this.accountFile = config.storage().resolve("account.pem");
        KeyPair domainKey = KeyFiles.loadOrCreate(keyFile, config.keyType());
        this.store = config.redis() == null ? new DirectoryAcmeStore(accountFile)
                : new RedisAcmeStore(config.redis().uri(), config.redis().keyPrefix(), config.domains().get(0));
        this.current = readStored();
        try {
            adoptShared(); // a node joining a fleet serves the fleet's certificate at once
        } catch (Exception e) {
            LOG.warn("ACME {}: cannot load the certificate stored in {} ({})", config.domains(), store.describe(), e.toString());
        }
        if (current == null) {
            X509Certificate placeholder = SelfSignedCertificates.create(domainKey, config.domains(), PLACEHOLDER_VALIDITY);
            writeChain(List.of(placeholder));
            this.current = placeholder;
            LOG.info("ACME {}: serving a self-signed placeholder until the CA issues the certificate", config.domains());
        }
        store.onCertificateStored(() -> {
            if (started) {
                schedule(Duration.ZERO); // another node stored a certificate: load it now
            }
        });
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portcullis-acme");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Prepares the storage (keys, and a placeholder certificate unless a valid one is stored); does
     * file I/O, so call it at start, not on an event loop. Nothing is asked of the CA until {@link #start()}.
     */
    public static AcmeCertificates create(AcmeConfig config) {
        return new AcmeCertificates(config, Clock.systemUTC());
    }

    /** The certificate files to serve; the listener's reload picks up every renewal. */
    public CertificateConfig certificate() {
        return config.certificate();
    }

    /** What this manager was configured with. */
    public AcmeConfig config() {
        return config;
    }

    /**
     * Pending challenges (http-01 tokens, tls-alpn-01 contexts), for {@code Gateway.Builder.acmeChallenges}:
     * this node's from memory, other nodes' (shared storage) looked up asynchronously. Never blocks.
     */
    public AcmeChallenges challenges() {
        return new AcmeChallenges() {
            @Override
            public CompletionStage<String> keyAuthorization(String token) {
                String local = pending.get(token);
                return local != null ? CompletableFuture.completedFuture(local) : store.http01(token);
            }

            @Override
            public CompletionStage<SslContext> tlsAlpnContext(String host) {
                String h = host.toLowerCase(java.util.Locale.ROOT);
                SslContext local = pendingTls.get(h);
                if (local != null || !config.domains().contains(h)) {
                    return CompletableFuture.completedFuture(local);
                }
                // building a context is CPU work: off the event loop and off Redis's I/O thread
                return store.tlsAlpn01(h).thenApplyAsync(stored -> stored == null ? null : sharedTlsContext(h, stored));
            }
        };
    }

    /** Serialized: validators connect several times at once, and a context replaced here is released. */
    private synchronized SslContext sharedTlsContext(String host, AcmeStore.Stored stored) {
        if (thread.isShutdown()) {
            return null; // closed: nothing would release it
        }
        Map.Entry<AcmeStore.Stored, SslContext> known = sharedTls.get(host);
        if (known != null && known.getKey().equals(stored)) {
            return known.getValue();
        }
        try {
            SslContext built = tlsAlpnContext(PemFiles.readPrivateKey(stored.keyPem(), store.describe()),
                    PemFiles.readCertificates(stored.chainPem(), store.describe()).get(0));
            Map.Entry<AcmeStore.Stored, SslContext> old = sharedTls.put(host, Map.entry(stored, built));
            if (old != null) {
                ReferenceCountUtil.release(old.getValue());
            }
            return built;
        } catch (Exception e) {
            LOG.warn("ACME {}: cannot use the tls-alpn-01 challenge another node published ({})", config.domains(), e.toString());
            return null;
        }
    }

    /** Starts keeping the certificate valid: orders now if needed, else at renewal time. */
    public synchronized void start() {
        started = true;
        schedule(renewalDue() ? Duration.ZERO : Duration.between(clock.instant(), renewAt(current)));
    }

    /** Orders a new certificate now, whatever the current one's state (operators, tests). */
    public CompletableFuture<Void> renewNow() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        thread.execute(() -> {
            try (AcmeStore.Lock lock = store.tryLock()) {
                if (lock == null) {
                    throw new IllegalStateException("another node is ordering this certificate now");
                }
                order();
                done.complete(null);
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** The certificate served now (the placeholder until one is issued). */
    public X509Certificate current() {
        return current;
    }

    /** Whether the served certificate was issued by the CA (not the placeholder). */
    public boolean issued() {
        return !SelfSignedCertificates.isSelfSigned(current);
    }

    /** When the next order or renewal is due, or null before {@link #start()}. */
    public Instant nextAttempt() {
        return nextAttempt;
    }

    /** Orders this node placed with the CA since it started. */
    public long ordersPlaced() {
        return ordersPlaced.get();
    }

    /** Where the account key and certificate are shared: the directory, or Redis (never a password). */
    public String storage() {
        return store.describe();
    }

    /** The last failure's message, or null after a success. */
    public String lastError() {
        return lastError;
    }

    private boolean renewalDue() {
        return !issued() || !clock.instant().isBefore(renewAt(current));
    }

    /**
     * A third of the lifetime before expiry, or {@code renewBefore} if configured; earlier if the CA
     * suggested a renewal window (ACME Renewal Information) for the certificate this manager issued.
     */
    Instant renewAt(X509Certificate cert) {
        Instant notBefore = cert.getNotBefore().toInstant();
        Instant notAfter = cert.getNotAfter().toInstant();
        Duration before = config.renewBefore() != null ? config.renewBefore()
                : Duration.between(notBefore, notAfter).dividedBy(3);
        Instant ours = notAfter.minus(before);
        Instant ari = ariRenewAt;
        return ari != null && cert == current && ari.isBefore(ours) ? ari : ours;
    }

    /**
     * A random moment in the CA's suggested renewal window (RFC 9773, ARI), so a fleet does not renew
     * at once and a CA can pull renewals forward (e.g. before a mass revocation); null when the CA
     * offers no ARI. Known only for certificates issued by this process: after a restart the
     * lifetime rule applies until the next renewal.
     */
    private Instant renewalWindow(org.shredzone.acme4j.Certificate issued) {
        try {
            if (issued.getRenewalInfoLocation().isEmpty()) {
                return null;
            }
            org.shredzone.acme4j.RenewalInfo info = issued.getRenewalInfo();
            Instant start = info.getSuggestedWindowStart();
            Instant end = info.getSuggestedWindowEnd();
            long span = Math.max(0, Duration.between(start, end).toMillis());
            Instant at = start.plusMillis(span == 0 ? 0 : ThreadLocalRandom.current().nextLong(span));
            LOG.info("ACME {}: the CA suggests renewing between {} and {}; renewal set for {}", config.domains(), start, end, at);
            return at;
        } catch (Exception e) {
            LOG.debug("ACME {}: no renewal information ({})", config.domains(), e.toString());
            return null;
        }
    }

    private synchronized void schedule(Duration delay) {
        if (thread.isShutdown()) {
            return;
        }
        Duration d = delay.isNegative() ? Duration.ZERO : delay;
        nextAttempt = clock.instant().plus(d);
        if (next != null) {
            next.cancel(false);
        }
        next = thread.schedule(this::attempt, d.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void attempt() {
        try {
            adoptShared();
            if (renewalDue()) {
                try (AcmeStore.Lock lock = store.tryLock()) {
                    if (lock == null) {
                        if (!waitingLogged) {
                            LOG.info("ACME {}: another node is ordering the certificate; waiting to load it from {}",
                                    config.domains(), store.describe());
                            waitingLogged = true;
                        }
                        schedule(LOCK_POLL);
                        return;
                    }
                    waitingLogged = false;
                    if (!adoptShared() || renewalDue()) { // the node before us may just have stored it
                        order();
                    }
                }
            }
            failures = 0;
            lastError = null;
            warnIfExpiring();
            schedule(Duration.between(clock.instant(), renewAt(current)));
        } catch (Exception e) {
            failures++;
            lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            Duration backoff = backoff(failures);
            if (e instanceof AcmeRateLimitedException limited && limited.getRetryAfter().isPresent()) {
                Duration wait = Duration.between(clock.instant(), limited.getRetryAfter().get());
                backoff = wait.compareTo(backoff) > 0 ? wait : backoff;
            }
            LOG.warn("ACME {}: {} failed ({}); still serving {} until {}; next attempt in {} s", config.domains(),
                    issued() ? "renewal" : "first order", lastError, issued() ? "the current certificate" : "the placeholder",
                    current.getNotAfter().toInstant(), backoff.toSeconds());
            warnIfExpiring();
            schedule(backoff);
        }
    }

    /** 30 s, 1 m, 2 m ... up to 6 h, with up to 25 % jitter so a fleet does not retry in step. */
    static Duration backoff(int failures) {
        long base = FIRST_RETRY.toMillis() << Math.min(failures - 1, 20);
        long capped = Math.min(base, MAX_RETRY.toMillis());
        return Duration.ofMillis(capped + ThreadLocalRandom.current().nextLong(capped / 4 + 1));
    }

    private void warnIfExpiring() {
        Duration left = Duration.between(clock.instant(), current.getNotAfter().toInstant());
        if (issued() && left.compareTo(EXPIRY_WARNING) < 0) {
            LOG.warn("ACME {}: the certificate expires in {} h and could not be renewed yet", config.domains(), left.toHours());
        }
    }

    /** One complete order: account, authorizations by http-01, finalization, download, swap. Blocking. */
    private void order() throws Exception {
        Session session = new Session(config.directory(), provider());
        KeyPair accountKey = store.accountKey();
        AccountBuilder ab = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey);
        if (config.email() != null) {
            ab.addEmail(config.email());
        }
        if (config.eabKeyId() != null) {
            ab.withKeyIdentifier(config.eabKeyId(), config.eabHmacKey());
        }
        Account account = ab.create(session); // returns the existing account for a known key
        long count = store.countOrder();
        ordersPlaced.incrementAndGet();
        LOG.info("ACME {}: placing order {} ({})", config.domains(), count, store.describe());
        Order order = account.newOrder().domains(config.domains()).create();
        for (Authorization auth : order.getAuthorizations()) {
            if (auth.getStatus() == Status.VALID) {
                continue;
            }
            if (config.challenge().equals("tls-alpn-01")) {
                solveTlsAlpn(auth);
            } else {
                solveHttp(auth);
            }
        }
        KeyPair domainKey = KeyFiles.loadOrCreate(keyFile, config.keyType());
        order.execute(domainKey);
        Status s = order.waitForCompletion(VALIDATION_TIMEOUT);
        if (s != Status.VALID) {
            throw new IllegalStateException("order is " + s + order.getError().map(p -> ": " + p).orElse(""));
        }
        org.shredzone.acme4j.Certificate issued = order.getCertificate();
        List<X509Certificate> chain = issued.getCertificateChain();
        Instant window = renewalWindow(issued); // a call to the CA: made before the new chain is served
        String chainPem = serve(chain, window);
        store.saveCertificate(new AcmeStore.Stored(Files.readString(keyFile), chainPem));
        LOG.info("ACME {}: certificate issued by {} (serial {}, expires {}); serving it to new connections",
                config.domains(), current.getIssuerX500Principal().getName(), current.getSerialNumber().toString(16),
                current.getNotAfter().toInstant());
    }

    private void solveHttp(Authorization auth) throws Exception {
        Http01Challenge challenge = auth.findChallenge(Http01Challenge.class).orElseThrow(() ->
                new IllegalStateException("the CA offers no http-01 challenge for " + auth.getIdentifier().getDomain()));
        pending.put(challenge.getToken(), challenge.getAuthorization());
        try {
            store.publishHttp01(challenge.getToken(), challenge.getAuthorization()); // the CA may reach another node
            await(auth, challenge);
        } finally {
            pending.remove(challenge.getToken());
            store.withdrawHttp01(challenge.getToken());
        }
    }

    /** RFC 8737: a certificate for the name with the key authorization's digest, shown to handshakes offering acme-tls/1. */
    private void solveTlsAlpn(Authorization auth) throws Exception {
        TlsAlpn01Challenge challenge = auth.findChallenge(TlsAlpn01Challenge.class).orElseThrow(() ->
                new IllegalStateException("the CA offers no tls-alpn-01 challenge for " + auth.getIdentifier().getDomain()));
        String host = auth.getIdentifier().getDomain().toLowerCase(java.util.Locale.ROOT);
        KeyPair keys = KeyFiles.generate("rsa-2048"); // acme4j builds this certificate with an RSA signature
        X509Certificate cert;
        try {
            cert = challenge.createCertificate(keys, auth.getIdentifier());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot build the tls-alpn-01 certificate: " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause() + ")"), e);
        }
        SslContext context = tlsAlpnContext(keys.getPrivate(), cert);
        pendingTls.put(host, context);
        try {
            store.publishTlsAlpn01(host, new AcmeStore.Stored(KeyFiles.pem("PRIVATE KEY", keys.getPrivate().getEncoded()),
                    KeyFiles.pem("CERTIFICATE", cert.getEncoded())));
            await(auth, challenge);
        } finally {
            pendingTls.remove(host);
            store.withdrawTlsAlpn01(host);
            ReferenceCountUtil.release(context); // engines of validator handshakes keep their own reference
        }
    }

    private static SslContext tlsAlpnContext(PrivateKey key, X509Certificate cert) throws javax.net.ssl.SSLException {
        return SslContextBuilder.forServer(key, cert)
                .protocols("TLSv1.3", "TLSv1.2")
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, TlsAlpn01Challenge.ACME_TLS_1_PROTOCOL))
                .build();
    }

    /**
     * Loads the certificate another node stored, if it is valid for our names and newer than the one
     * served: its key and chain are written to this node's files (the listener's reload picks them up).
     */
    private boolean adoptShared() throws Exception {
        AcmeStore.Stored s = store.certificate();
        if (s == null) {
            return false;
        }
        List<X509Certificate> chain = PemFiles.readCertificates(s.chainPem(), store.describe());
        X509Certificate leaf = chain.get(0);
        X509Certificate now = current;
        if (leaf.equals(now) || !leaf.getNotAfter().toInstant().isAfter(clock.instant())
                || !names(leaf).containsAll(config.domains())) {
            return false;
        }
        if (now != null && !SelfSignedCertificates.isSelfSigned(now) && !leaf.getNotAfter().after(now.getNotAfter())) {
            return false;
        }
        PemFiles.checkKeyMatches(leaf, PemFiles.readPrivateKey(s.keyPem(), store.describe()), store.describe());
        KeyFiles.writeAtomically(keyFile, s.keyPem());
        serve(chain, null);
        LOG.info("ACME {}: loaded the certificate stored in {} (serial {}, expires {}); serving it to new connections",
                config.domains(), store.describe(), leaf.getSerialNumber().toString(16), leaf.getNotAfter().toInstant());
        return true;
    }

    private static java.util.Set<String> names(X509Certificate leaf) throws java.security.cert.CertificateParsingException {
        java.util.Set<String> names = new java.util.HashSet<>();
        if (leaf.getSubjectAlternativeNames() != null) {
            for (List<?> san : leaf.getSubjectAlternativeNames()) {
                if (Integer.valueOf(2).equals(san.get(0))) {
                    names.add(String.valueOf(san.get(1)).toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return names;
    }

    private static void await(Authorization auth, org.shredzone.acme4j.challenge.Challenge challenge) throws Exception {
        challenge.trigger();
        Status s = auth.waitForCompletion(VALIDATION_TIMEOUT);
        if (s != Status.VALID) {
            try {
                challenge.fetch(); // the CA's reason is on the challenge, not the authorization
            } catch (Exception ignored) {
                // keep what we have
            }
            throw new IllegalStateException("authorization of " + auth.getIdentifier().getDomain() + " is " + s
                    + challenge.getError().map(p -> ": " + p).orElse(""));
        }
    }

    private GenericAcmeProvider provider() throws Exception {
        if (config.directoryCa() == null) {
            return new GenericAcmeProvider();
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        List<X509Certificate> cas = PemFiles.readCertificates(config.directoryCa());
        for (int i = 0; i < cas.size(); i++) {
            ks.setCertificateEntry("ca" + i, cas.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return new GenericAcmeProvider() {
            @Override
            public HttpClient createHttpClient(NetworkSettings settings) {
                return HttpClient.newBuilder()
                        .connectTimeout(settings.getTimeout())
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .sslContext(ssl)
                        .build();
            }
        };
    }

    private X509Certificate readStored() {
        if (!Files.exists(chainFile)) {
            return null;
        }
        try {
            X509Certificate leaf = PemFiles.readCertificates(chainFile).get(0);
            if (leaf.getNotAfter().toInstant().isBefore(clock.instant())) {
                return null;
            }
            PemFiles.checkKeyMatches(leaf, PemFiles.readPrivateKey(keyFile), keyFile.toString());
            java.util.Set<String> names = names(leaf);
            if (!names.containsAll(config.domains())) {
                LOG.info("ACME {}: the stored certificate covers {} only; ordering a new one", config.domains(), names);
                return null;
            }
            return leaf;
        } catch (RuntimeException | java.security.cert.CertificateParsingException e) {
            LOG.warn("ACME {}: ignoring the stored certificate ({})", config.domains(), e.getMessage());
            return null;
        }
    }

    /**
     * Makes {@code chain} the current certificate, then writes it for the listener's reload to serve:
     * in this order so that whoever sees the new certificate on the wire also sees {@link #issued()}.
     */
    private String serve(List<X509Certificate> chain, Instant renewalWindow) {
        X509Certificate before = current;
        Instant beforeWindow = ariRenewAt;
        ariRenewAt = renewalWindow;
        current = chain.get(0);
        try {
            return writeChain(chain);
        } catch (RuntimeException e) {
            current = before;
            ariRenewAt = beforeWindow;
            throw e;
        }
    }

    private String writeChain(List<X509Certificate> chain) {
        StringBuilder pem = new StringBuilder();
        try {
            for (X509Certificate c : chain) {
                pem.append(KeyFiles.pem("CERTIFICATE", c.getEncoded()));
            }
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        KeyFiles.writeAtomically(chainFile, pem.toString());
        return pem.toString();
    }

    @Override
    public synchronized void close() {
        started = false;
        thread.shutdownNow();
        store.close();
        sharedTls.values().forEach(e -> ReferenceCountUtil.release(e.getValue()));
        sharedTls.clear();
    }
}
