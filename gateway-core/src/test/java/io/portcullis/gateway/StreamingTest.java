package io.portcullis.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.GatewayProcessMain;
import io.portcullis.testing.RawHttp;
import io.portcullis.testing.TestUpstream;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 1 GiB up and 1 GiB down through a gateway whose JVM has a 96 MiB heap and 64 MiB of direct
 * memory: it can only pass if bodies stream with backpressure instead of being buffered.
 */
class StreamingTest {
    static final long GIB = 1L << 30;
    static TestUpstream upstream;
    static Process gateway;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        upstream = TestUpstream.start();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx96m", "-XX:MaxDirectMemorySize=64m",
                "-cp", System.getProperty("java.class.path"), GatewayProcessMain.class.getName(), upstream.url()));
        gateway = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("PORT=")) {
                port = Integer.parseInt(line.substring(5));
                break;
            }
        }
        assertThat(port).as("gateway process started").isPositive();
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "gateway-process-output");
        drain.setDaemon(true);
        drain.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.getOutputStream().close();
            if (!gateway.waitFor(20, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
        upstream.close();
    }

    @Test
    void oneGibUpload_streamsThroughSmallHeap() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(120_000);
            s.setTcpNoDelay(true); // else Nagle + delayed ACKs cap a loopback upload at a few MB/s
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + GIB + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            long expectedSum = 0;
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) (i % 251);
                expectedSum += chunk[i] & 0xff;
            }
            for (long sent = 0; sent < GIB; sent += chunk.length) {
                out.write(chunk);
            }
            out.flush();
            RawHttp.Result response = new RawHttp(s).readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("bytes=" + GIB + " sum=" + expectedSum * (GIB / chunk.length));
        }
    }

    @Test
    void oneGibDownload_streamsThroughSmallHeap() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(120_000);
            s.setTcpNoDelay(true); // else Nagle + delayed ACKs cap a loopback upload at a few MB/s
            s.getOutputStream().write(("GET /download?bytes=" + GIB + "&length=1 HTTP/1.1\r\nHost: a\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: " + GIB);
            byte[] buf = new byte[256 * 1024];
            long received = 0;
            boolean patternOk = true;
            while (received < GIB) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, GIB - received));
                if (n < 0) {
                    break;
                }
                // spot-check the pattern (every byte would cost the test more than the gateway)
                if (buf[0] != (byte) (received % 251)) {
                    patternOk = false;
                }
                received += n;
            }
            assertThat(received).isEqualTo(GIB);
            assertThat(patternOk).isTrue();
        }
    }
}
