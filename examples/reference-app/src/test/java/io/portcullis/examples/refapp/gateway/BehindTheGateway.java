package io.portcullis.examples.refapp.gateway;

import io.portcullis.examples.refapp.CapturingMailSender;
import io.portcullis.spring.PortcullisGateway;
import io.portcullis.testing.TestTls;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What tests of the app behind its embedded gateway share: the gateway's TLS files (the shared test
 * certificate) and captured mail. Subclasses are {@code @SpringBootTest}s with
 * {@code classes = {ReferenceApp.class, BehindTheGateway.Beans.class}} and {@code refapp.gateway.enabled=true}.
 */
abstract class BehindTheGateway {

    /** Captured mail; the system clock (the gateway checks expiry with its own). */
    @TestConfiguration(proxyBeanMethods = false)
    static class Beans {
        @Bean
        @Primary
        CapturingMailSender capturingMailSender() {
            return new CapturingMailSender();
        }
    }

    @DynamicPropertySource
    static void tls(DynamicPropertyRegistry registry) {
        registry.add("refapp.gateway.certificate", () -> TestTls.shared().chain.toString());
        registry.add("refapp.gateway.private-key", () -> TestTls.shared().key.toString());
    }

    @Autowired
    PortcullisGateway gateway;
    @Autowired
    CapturingMailSender mail;
}
