package io.portcullis.testing;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS connection with SNI that records the served chain, trusting anything: the test checks the
 * chain itself (ACME and certificate-rotation tests).
 */
public final class TlsProbe implements AutoCloseable {
    private final SSLSocket socket;
    private final String sni;

    private TlsProbe(SSLSocket socket, String sni) {
        this.socket = socket;
        this.sni = sni;
    }

    public static TlsProbe open(int port, String sni) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(sni)));
        p.setApplicationProtocols(new String[] {"http/1.1"});
        s.setSSLParameters(p);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return new TlsProbe(s, sni);
    }

    public X509Certificate[] chain() throws Exception {
        return Arrays.stream(socket.getSession().getPeerCertificates()).map(c -> (X509Certificate) c)
                .toArray(X509Certificate[]::new);
    }

    public X509Certificate leaf() throws Exception {
        return chain()[0];
    }

    /** One keep-alive request on this connection; the status line. */
    public String get(String path) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + sni + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        String text = head.toString();
        int cl = text.toLowerCase().indexOf("content-length:");
        if (cl >= 0) {
            int len = Integer.parseInt(text.substring(cl + 15, text.indexOf("\r\n", cl)).trim());
            in.readNBytes(len);
        }
        return text;
    }

    @Override
    public void close() throws Exception {
        socket.close();
    }
}
