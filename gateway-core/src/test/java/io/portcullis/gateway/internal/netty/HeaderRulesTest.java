package io.portcullis.gateway.internal.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HeaderRulesTest {

    @Test
    void connectionOptions_areTheTokensOfEveryConnectionValue_butKeepAlive() {
        assertThat(HeaderRules.connectionOptions(new DefaultHttpHeaders())).isEmpty();
        assertThat(HeaderRules.connectionOptions(new DefaultHttpHeaders().add("Connection", "Keep-Alive"))).isEmpty();
        HttpHeaders h = new DefaultHttpHeaders().add("Connection", "close ,\tX-A,keep-alive,,Y").add("connection", "x-b");
        assertThat(HeaderRules.connectionOptions(h)).containsExactly("close", "X-A", "Y", "x-b");
    }

    @Test
    void copyEndToEnd_dropsHopByHopNames_namesListedInConnection_andTheSkipped() {
        HttpHeaders from = new DefaultHttpHeaders()
                .add("Connection", "keep-alive, X-Secret").add("x-secret", "1").add("X-SECRET", "2")
                .add("Keep-Alive", "timeout=5").add("Transfer-Encoding", "chunked").add("Proxy-Authorization", "x")
                .add("X-Http2-Stream-Id", "3").add("Host", "a").add("X-Kept", "yes").add("x-kept", "twice");
        HttpHeaders to = new DefaultHttpHeaders();
        HeaderRules.copyEndToEnd(from, to, io.netty.handler.codec.http.HttpHeaderNames.HOST);
        assertThat(to.entries()).extracting(e -> e.getKey() + ": " + e.getValue())
                .containsExactly("X-Kept: yes", "x-kept: twice");
    }
}
