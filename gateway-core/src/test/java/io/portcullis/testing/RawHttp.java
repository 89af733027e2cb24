package io.portcullis.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A raw socket client for requests no well-behaved client library would send (smuggling probes,
 * trickled headers): writes bytes exactly as given and reads what comes back until the server
 * closes the connection or stays silent.
 */
public final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    public RawHttp(String host, int port) throws IOException {
        this(new Socket(host, port));
    }

    public RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        if (this.socket.getSoTimeout() == 0) {
            this.socket.setSoTimeout(5000);
        }
        this.socket.setTcpNoDelay(true);
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    /**
     * Opens a connection and reports whether the server closed it without a request: by FIN or
     * RST within {@code quietMillis}. A refusal is an RST right after accept, which on loopback can
     * already fail the connect itself, so that counts as closed too.
     */
    public static boolean closedOnArrival(String host, int port, int quietMillis) throws IOException {
        Socket socket;
        try {
            socket = new Socket(host, port);
        } catch (SocketException reset) {
            return true;
        }
        try (RawHttp raw = new RawHttp(socket)) {
            return raw.readUntilCloseOrQuiet(quietMillis).closed();
        } catch (SocketException reset) {
            return true;
        }
    }

    public RawHttp send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Reads until the peer closes or {@code quietMillis} pass without data; returns what arrived. */
    public Result readUntilCloseOrQuiet(int quietMillis) throws IOException {
        socket.setSoTimeout(quietMillis);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        boolean closed = false;
        try {
            int n;
            while ((n = in.read(b)) >= 0) {
                buf.write(b, 0, n);
            }
            closed = true;
        } catch (SocketTimeoutException e) {
            closed = false;
        } catch (IOException e) {
            closed = true; // reset by peer counts as closed
        }
        return new Result(buf.toString(StandardCharsets.ISO_8859_1), closed);
    }

    /** Reads one response head plus a Content-Length body. */
    public Result readResponse() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                return new Result(buf.toString(StandardCharsets.ISO_8859_1), true);
            }
            buf.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        String head = buf.toString(StandardCharsets.ISO_8859_1);
        int cl = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                cl = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(cl);
        return new Result(head + new String(body, StandardCharsets.ISO_8859_1), false);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** What came back: the raw text and whether the server closed the connection. */
    public record Result(String text, boolean closed) {
        public int status() {
            if (!text.startsWith("HTTP/1.")) {
                return -1;
            }
            return Integer.parseInt(text.substring(9, 12));
        }

        public String body() {
            int i = text.indexOf("\r\n\r\n");
            return i < 0 ? "" : text.substring(i + 4);
        }

        public String header(String name) {
            for (String line : text.split("\r\n")) {
                if (line.isEmpty()) {
                    break;
                }
                int c = line.indexOf(':');
                if (c > 0 && line.substring(0, c).equalsIgnoreCase(name)) {
                    return line.substring(c + 1).trim();
                }
            }
            return null;
        }
    }
}
