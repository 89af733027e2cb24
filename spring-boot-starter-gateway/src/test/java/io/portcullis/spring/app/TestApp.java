package io.portcullis.spring.app;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** A tiny servlet app behind the embedded gateway. */
@SpringBootApplication
public class TestApp {

    /** Holds {@code /slow} until the test releases it: an in-flight request during shutdown. */
    public static final class SlowGate {
        public final CountDownLatch entered = new CountDownLatch(1);
        public final CountDownLatch release = new CountDownLatch(1);
    }

    @Bean
    SlowGate slowGate() {
        return new SlowGate();
    }

    @RestController
    static class Controller {
        private final SlowGate gate;

        Controller(SlowGate gate) {
            this.gate = gate;
        }

        @GetMapping("/hello")
        String hello() {
            return "hello";
        }

        @GetMapping("/api/orders")
        String orders(@RequestHeader(name = "X-User-Id", required = false) String user) {
            return "orders of " + user;
        }

        /** A JSON document of about 4 KiB: worth compressing. */
        @GetMapping(value = "/data", produces = "application/json")
        String data() {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < 100; i++) {
                sb.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"name\":\"item number ").append(i).append("\"}");
            }
            return sb.append(']').toString();
        }

        @GetMapping("/limited")
        String limited() {
            return "ok";
        }

        @GetMapping("/slow")
        String slow() throws InterruptedException {
            gate.entered.countDown();
            return gate.release.await(30, TimeUnit.SECONDS) ? "finished" : "not released";
        }
    }
}
