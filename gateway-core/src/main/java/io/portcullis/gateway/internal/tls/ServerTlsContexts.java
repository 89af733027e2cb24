package io.portcullis.gateway.internal.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.internal.tcnative.SSL;
import io.netty.util.Mapping;
import io.portcullis.gateway.CertificateConfig;
import io.portcullis.gateway.ConfigException;
import io.portcullis.gateway.TlsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-side TLS contexts of one listener: one Netty {@link SslContext} per configured
 * certificate, selected by SNI through {@link #mapping()}, and replaced when the PEM files change.
 *
 * <p><b>Provider.</b> BoringSSL ({@code netty-tcnative}, {@code SslProvider.OPENSSL}) when it loads,
 * else the JDK with one WARN per JVM. Server cipher order: Netty already sets
 * {@code SSL_OP_CIPHER_SERVER_PREFERENCE} on every OpenSSL context; for the JDK each engine gets
 * {@link SSLParameters#setUseCipherSuitesOrder} (JDK 17 defaults to true; set anyway so it does not
 * depend on the JDK build).
 *
 * <p><b>Session tickets.</b> BoringSSL: on when {@link TlsConfig#sessionTickets()} (keys generated
 * and rotated by BoringSSL; Netty's default leaves TLS 1.2 tickets off), and off for TLS 1.2 and
 * 1.3 otherwise. JDK: only the JVM-wide system property
 * {@code jdk.tls.server.enableSessionTicketExtension} controls tickets (JDK 17 default: on), so the
 * setting is ignored with the JDK provider.
 *
 * <p><b>Reload.</b> {@link #reloadIfChanged()} (scheduled by {@link #startWatching}) rebuilds all
 * contexts when a file's content changed and everything parses and matches; the new set is
 * published atomically. Open connections keep their engine and old context. Old contexts are never
 * released explicitly: they use {@code SslProvider.OPENSSL}, not {@code OPENSSL_REFCNT}, so native
 * memory is freed when the last engine using them is garbage-collected.
 *
 * <p>Thread-safety: {@link #mapping()} and the getters may be used from any thread (event loops);
 * reloads are serialized and do file I/O on the calling thread, which must not be an event loop.
 */
public final class ServerTlsContexts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerTlsContexts.class);

    /** ALPN: h2 preferred, then HTTP/1.1; no ALPN from the client means HTTP/1.1. */
    static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            Protocol.ALPN, SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    private final TlsConfig config;
    private final OcspStapling stapling; // null without BoringSSL
    private List<X509Certificate> clientCas = List.of(); // read with each build
    private final String listenerName;
    private final boolean openSsl;
    private final List<String> ciphers;
    private final Mapping<String, SslContext> mapping = this::select;
    private final AtomicLong reloadCount = new AtomicLong();
    private final Object reloadLock = new Object();

    private volatile Snapshot snapshot;
    /** Two per certificate (chain, key), in config order. Guarded by reloadLock. */
    private FileState[] observed;
    /** The last reload problem logged, so a lasting problem is logged once, not every interval. */
    private String lastProblem;
    private ScheduledFuture<?> watch;
    private boolean closed;

    private ServerTlsContexts(TlsConfig config, String listenerName, boolean openSsl) {
        this.config = config;
        this.listenerName = listenerName;
        this.openSsl = openSsl;
        // stapling needs BoringSSL/OpenSSL; the JDK provider's server-side stapling is JVM-wide, not per context
        this.stapling = openSsl && OpenSsl.isOcspSupported() ? new OcspStapling(listenerName) : null;
        List<String> suites = new ArrayList<>();
        if (config.protocols().contains("TLSv1.3")) {
            suites.addAll(TlsConfig.TLS13_CIPHER_SUITES);
        }
        suites.addAll(config.cipherSuites());
        this.ciphers = List.copyOf(suites);
    }

    /**
     * Reads every certificate and key and builds the contexts.
     *
     * @param listenerName used in log messages only
     * @throws ConfigException for a missing, unreadable or malformed file or a key that does not
     *                         match its certificate, with a field such as {@code certificates[1].privateKey}
     */
    public static ServerTlsContexts create(TlsConfig config, String listenerName) {
        return create(config, listenerName, TlsProviders.openSslAvailable());
    }

    /** For tests: {@code useOpenSsl=false} forces the JDK provider. */
    static ServerTlsContexts create(TlsConfig config, String listenerName, boolean useOpenSsl) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(listenerName, "listenerName");
        if (useOpenSsl && !TlsProviders.openSslAvailable()) {
            throw new IllegalStateException("BoringSSL is not available");
        }
        ServerTlsContexts contexts = new ServerTlsContexts(config, listenerName, useOpenSsl);
        List<CertificateConfig> certs = config.certificates();
        FileState[] states = new FileState[certs.size() * 2];
        try {
            for (int i = 0; i < certs.size(); i++) {
                states[2 * i] = FileState.read(certs.get(i).certificateChain(), field(i, "certificateChain"));
                states[2 * i + 1] = FileState.read(certs.get(i).privateKey(), field(i, "privateKey"));
            }
            contexts.snapshot = contexts.build(states);
            contexts.trackStaples(contexts.snapshot);
        } catch (LoadException e) {
            throw new ConfigException(e.field, e.problem, e.getCause());
        }
        contexts.observed = states;
        for (Loaded l : contexts.snapshot.certificates) {
            log.info("Listener '{}': TLS certificate {} (serial {}, expires {}) for {} via {}", listenerName,
                    l.leaf.getSubjectX500Principal().getName(), l.leaf.getSerialNumber().toString(16),
                    l.leaf.getNotAfter().toInstant(), l.names.isEmpty() ? "[default only]" : l.names,
                    useOpenSsl ? "BoringSSL" : "JDK");
        }
        return contexts;
    }

    /**
     * For {@code new SniHandler(contexts.mapping())}: exact server names first, then a wildcard
     * ({@code *.example.com} matches exactly one extra label), else {@link #defaultContext()}; a null
     * host name (no SNI) gets the default. Lock-free: reads the current immutable snapshot.
     */
    public Mapping<String, SslContext> mapping() {
        return mapping;
    }

    /** The context of the first configured certificate. */
    public SslContext defaultContext() {
        return snapshot.defaultContext;
    }

    /** Whether BoringSSL (netty-tcnative) is in use, rather than the JDK's TLS. */
    public boolean openSsl() {
        return openSsl;
    }

    /** The leaf certificate currently served for each configured certificate, in config order. */
    public List<X509Certificate> currentLeafCertificates() {
        return snapshot.certificates.stream().map(l -> l.leaf).toList();
    }

    /** The leaf certificate served by {@code context} (one of the current ones), or null. For tests and metrics. */
    X509Certificate leafOf(SslContext context) {
        for (Loaded l : snapshot.certificates) {
            if (l.context == context) {
                return l.leaf;
            }
        }
        return null;
    }

    /** How many times a changed set of files was loaded successfully since {@link #create}. */
    public long reloadCount() {
        return reloadCount.get();
    }

    /**
     * Checks every certificate and key file and, if any content changed, loads them all and swaps
     * in the new contexts. A file is re-read when its real path (symlink target), inode, size or
     * modification time changed, and counts as changed when its SHA-256 differs. If a new file is
     * missing, malformed or the key does not match, logs a WARN naming the file and keeps serving the
     * current certificates (a problem is logged once until the files change again).
     *
     * @return true if new contexts were published
     */
    public boolean reloadIfChanged() {
        synchronized (reloadLock) {
            List<CertificateConfig> certs = config.certificates();
            FileState[] current = new FileState[observed.length];
            try {
                boolean metadataChanged = false;
                FileMeta[] metas = new FileMeta[observed.length];
                for (int i = 0; i < metas.length; i++) {
                    metas[i] = FileMeta.read(path(certs, i), fieldOf(i));
                    metadataChanged |= !metas[i].equals(observed[i].meta);
                }
                if (!metadataChanged) {
                    return false;
                }
                boolean contentChanged = false;
                for (int i = 0; i < current.length; i++) {
                    current[i] = FileState.read(path(certs, i), fieldOf(i));
                    contentChanged |= !Arrays.equals(current[i].sha256, observed[i].sha256);
                }
                observed = current;
                if (!contentChanged) {
                    log.debug("Listener '{}': certificate files touched but unchanged", listenerName);
                    return false;
                }
                Snapshot next = build(current);
                snapshot = next;
                trackStaples(next);
                reloadCount.incrementAndGet();
                lastProblem = null;
                for (Loaded l : next.certificates) {
                    log.info("Listener '{}': reloaded TLS certificate {} (serial {}, expires {})", listenerName,
                            l.leaf.getSubjectX500Principal().getName(), l.leaf.getSerialNumber().toString(16),
                            l.leaf.getNotAfter().toInstant());
                }
                return true;
            } catch (LoadException e) {
                String problem = e.field + ": " + e.problem;
                if (!problem.equals(lastProblem)) {
                    lastProblem = problem;
                    log.warn("Listener '{}': not reloading TLS certificates, keeping the current ones. {}",
                            listenerName, problem);
                }
                return false;
            }
        }
    }

    /**
     * Runs {@link #reloadIfChanged()} every {@link TlsConfig#reloadInterval()} (fixed delay) on
     * {@code scheduler}, which must not be an event loop: it reads files. Stopped by {@link #close()}.
     */
    public void startWatching(ScheduledExecutorService scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        synchronized (reloadLock) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            if (watch != null) {
                throw new IllegalStateException("already watching");
            }
            long millis = config.reloadInterval().toMillis();
            watch = scheduler.scheduleWithFixedDelay(this::reloadSafely, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops watching. The contexts stay usable; their native memory is freed by the garbage collector. */
    @Override
    public void close() {
        ScheduledFuture<?> w;
        synchronized (reloadLock) {
            closed = true;
            w = watch;
            watch = null;
        }
        if (w != null) {
            w.cancel(false);
        }
        if (stapling != null) {
            stapling.close();
        }
    }

    /** The OCSP response to staple in a handshake on {@code context} (one of {@link #mapping()}'s), or null. */
    public byte[] ocspResponse(SslContext context) {
        return stapling == null ? null : stapling.response(context);
    }

    private void trackStaples(Snapshot s) {
        if (stapling == null) {
            return;
        }
        java.util.Set<SslContext> served = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Loaded l : s.certificates) {
            served.add(l.context);
        }
        for (Loaded l : s.certificates) {
            stapling.track(l.context, l.leaf, l.issuer, served);
        }
    }

    private void reloadSafely() {
        try {
            reloadIfChanged();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            // an exception escaping a scheduleWithFixedDelay task silently ends all later runs
            log.warn("Listener '{}': TLS certificate reload check failed", listenerName, t);
        }
    }

    // ---- lookup ---------------------------------------------------------------------------

    private SslContext select(String hostname) {
        Snapshot s = snapshot;
        if (hostname == null || hostname.isEmpty()) {
            return s.defaultContext;
        }
        // no copy when already lower case (SniHandler lowercases)
        String host = hostname.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            // RFC 6066 forbids the trailing root dot, but it names the same host
            host = host.substring(0, host.length() - 1);
        }
        SslContext context = s.exact.get(host);
        if (context != null) {
            return context;
        }
        int dot = host.indexOf('.');
        if (dot > 0 && dot < host.length() - 1 && !s.wildcard.isEmpty()) {
            context = s.wildcard.get(host.substring(dot + 1));
            if (context != null) {
                return context;
            }
        }
        return s.defaultContext;
    }

    // ---- loading --------------------------------------------------------------------------

    private Snapshot build(FileState[] files) throws LoadException {
        List<CertificateConfig> certs = config.certificates();
        clientCas = clientCas();
        List<Loaded> loaded = new ArrayList<>(certs.size());
        Map<String, SslContext> exact = new HashMap<>();
        Map<String, SslContext> wildcard = new HashMap<>();
        for (int i = 0; i < certs.size(); i++) {
            Loaded l = load(i, certs.get(i), files[2 * i], files[2 * i + 1]);
            loaded.add(l);
            for (String name : l.names) {
                // the first certificate that claims a name keeps it
                if (name.startsWith("*.")) {
                    wildcard.putIfAbsent(name.substring(2), l.context);
                } else {
                    exact.putIfAbsent(name, l.context);
                }
            }
            if (i > 0 && l.names.isEmpty()) {
                log.warn("Listener '{}': certificate {} ({}) has no DNS names and is not the default:"
                        + " no client can select it", listenerName, i, certs.get(i).certificateChain());
            }
        }
        return new Snapshot(List.copyOf(loaded), Map.copyOf(exact), Map.copyOf(wildcard), loaded.get(0).context);
    }

    private List<X509Certificate> clientCas() throws LoadException {
        if (config.clientAuth() == TlsConfig.ClientAuth.NONE) {
            return List.of();
        }
        try {
            return PemFiles.readCertificates(config.clientCa());
        } catch (RuntimeException e) {
            throw new LoadException("clientCa", e.getMessage(), e);
        }
    }

    private Loaded load(int index, CertificateConfig cert, FileState chainFile, FileState keyFile) throws LoadException {
        String chainField = field(index, "certificateChain");
        String keyField = field(index, "privateKey");
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = PemFiles.readCertificates(chainFile.text(), cert.certificateChain().toString());
        } catch (IllegalArgumentException e) {
            throw new LoadException(chainField, e.getMessage(), e);
        }
        try {
            key = PemFiles.readPrivateKey(keyFile.text(), cert.privateKey().toString());
            PemFiles.checkKeyMatches(chain.get(0), key, cert.privateKey().toString());
        } catch (IllegalArgumentException e) {
            String problem = e.getMessage().contains("does not match")
                    ? e.getMessage() + " in " + cert.certificateChain() : e.getMessage();
            throw new LoadException(keyField, problem, e);
        }
        X509Certificate leaf = chain.get(0);
        long now = System.currentTimeMillis();
        if (leaf.getNotAfter().getTime() < now || leaf.getNotBefore().getTime() > now) {
            log.warn("Listener '{}': certificate {} in {} is not valid now (valid {} to {})", listenerName,
                    leaf.getSubjectX500Principal().getName(), cert.certificateChain(),
                    leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
        }
        List<String> names = cert.serverNames().isEmpty() ? namesOf(leaf) : cert.serverNames();
        SslContext context;
        try {
            context = newContext(key, chain);
        } catch (SSLException | RuntimeException e) {
            throw new LoadException("certificates[" + index + "]",
                    "rejected by the TLS provider (" + e.getMessage() + ")", e);
        }
        return new Loaded(context, leaf, chain.size() > 1 ? chain.get(1) : null, names);
    }

    private SslContext newContext(PrivateKey key, List<X509Certificate> chain) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                .sslProvider(TlsProviders.provider(openSsl))
                .protocols(config.protocols())
                .ciphers(ciphers, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(ALPN)
                .enableOcsp(stapling != null);
        if (config.clientAuth() != TlsConfig.ClientAuth.NONE) {
            // chain and validity of client certificates are checked in the handshake (PKIX against clientCa only)
            b.trustManager(clientCas.toArray(new X509Certificate[0]))
                    .clientAuth(config.clientAuth() == TlsConfig.ClientAuth.REQUIRE ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        }
        SslContext context = b.build();
        if (openSsl && config.sessionTickets()) {
            // clears the SSL_OP_NO_TICKET Netty sets on the context; no keys = BoringSSL makes and rotates them
            ((OpenSslSessionContext) context.sessionContext()).setTicketKeys();
        }
        boolean tuneEngines = !openSsl || !config.sessionTickets();
        return tuneEngines ? new EngineTuning(context, openSsl) : context;
    }

    /** DNS subjectAltNames of the certificate, lower case; the subject CN when it has none. */
    static List<String> namesOf(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String dns) {
                        names.add(dns.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // unreadable extension: fall back to the CN like a certificate without SANs
        }
        if (names.isEmpty()) {
            String cn = commonName(leaf.getSubjectX500Principal());
            if (cn != null && isHostName(cn)) {
                names.add(cn.toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(names);
    }

    /** Host name syntax (a subject CN may be anything, e.g. "My Server"). */
    private static boolean isHostName(String name) {
        String host = name.startsWith("*.") ? name.substring(2) : name;
        if (host.isEmpty() || host.length() > 253 || host.startsWith(".") || host.endsWith(".")) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = Character.toLowerCase(host.charAt(i));
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
            if (!ok || (c == '.' && host.charAt(i - 1) == '.')) {
                return false;
            }
        }
        return true;
    }

    private static String commonName(X500Principal principal) {
        try {
            List<Rdn> rdns = new LdapName(principal.getName(X500Principal.RFC2253)).getRdns();
            // LdapName lists RDNs from the least significant (last in the string) to the most
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdns.get(i).getValue());
                }
            }
        } catch (InvalidNameException e) {
            // no usable CN
        }
        return null;
    }

    private static String field(int index, String name) {
        return "certificates[" + index + "]." + name;
    }

    private static String fieldOf(int fileIndex) {
        return field(fileIndex / 2, fileIndex % 2 == 0 ? "certificateChain" : "privateKey");
    }

    private static Path path(List<CertificateConfig> certs, int fileIndex) {
        CertificateConfig c = certs.get(fileIndex / 2);
        return fileIndex % 2 == 0 ? c.certificateChain() : c.privateKey();
    }

    // ---- state ----------------------------------------------------------------------------

    private record Loaded(SslContext context, X509Certificate leaf, X509Certificate issuer, List<String> names) {
    }

    /** Everything a lookup needs, published as one volatile reference. */
    private record Snapshot(List<Loaded> certificates, Map<String, SslContext> exact,
                            Map<String, SslContext> wildcard, SslContext defaultContext) {
    }

    /** Cheap identity of a file: a change in any part makes the content worth hashing. */
    private record FileMeta(Path realPath, Object fileKey, long size, FileTime modified) {
        static FileMeta read(Path path, String field) throws LoadException {
            try {
                // metadata before content: a change in between is seen at the next check
                BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
                if (!a.isRegularFile()) {
                    throw new LoadException(field, path + ": not a regular file", null);
                }
                return new FileMeta(path.toRealPath(), a.fileKey(), a.size(), a.lastModifiedTime());
            } catch (IOException e) {
                throw ioProblem(field, path, e);
            }
        }
    }

    private record FileState(FileMeta meta, byte[] content, byte[] sha256) {
        static FileState read(Path path, String field) throws LoadException {
            FileMeta meta = FileMeta.read(path, field);
            try {
                byte[] content = Files.readAllBytes(path);
                return new FileState(meta, content, MessageDigest.getInstance("SHA-256").digest(content));
            } catch (IOException e) {
                throw ioProblem(field, path, e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }

        String text() {
            // PEM is ASCII; ISO-8859-1 maps any byte, so junk reaches PemFiles' error messages intact
            return new String(content, StandardCharsets.ISO_8859_1);
        }
    }

    private static LoadException ioProblem(String field, Path path, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new LoadException(field, path + ": file not found", e);
        }
        if (e instanceof AccessDeniedException) {
            return new LoadException(field, path + ": permission denied", e);
        }
        return new LoadException(field, path + ": cannot be read (" + e + ")", e);
    }

    /** A file problem with the config field it belongs to. */
    private static final class LoadException extends Exception {
        private static final long serialVersionUID = 1L;
        final String field;
        final String problem;

        LoadException(String field, String problem, Throwable cause) {
            super(field + ": " + problem, cause, false, false);
            this.field = field;
            this.problem = problem;
        }
    }

    /**
     * Applies what the provider does not do by itself to every engine: server cipher order for the
     * JDK, and no session tickets at all for BoringSSL when they are disabled (Netty clears
     * SSL_OP_NO_TICKET on each TLS 1.3 server engine, so the context setting is not enough).
     */
    private static final class EngineTuning extends DelegatingSslContext {
        private final boolean openSsl;

        EngineTuning(SslContext delegate, boolean openSsl) {
            super(delegate);
            this.openSsl = openSsl;
        }

        @Override
        protected void initEngine(SSLEngine engine) {
            if (openSsl) {
                if (engine instanceof ReferenceCountedOpenSslEngine e) {
                    long ssl = e.sslPointer();
                    if (ssl != 0) {
                        SSL.setOptions(ssl, SSL.SSL_OP_NO_TICKET);
                    }
                }
            } else {
                SSLParameters parameters = engine.getSSLParameters();
                parameters.setUseCipherSuitesOrder(true);
                engine.setSSLParameters(parameters);
            }
        }
    }
}
