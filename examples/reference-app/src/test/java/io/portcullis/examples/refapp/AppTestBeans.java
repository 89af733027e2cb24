package io.portcullis.examples.refapp;

import java.time.Instant;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** The app tests' replacements: a capturing mail sender and a clock they move by hand. */
@TestConfiguration(proxyBeanMethods = false)
public class AppTestBeans {
    @Bean
    @Primary
    CapturingMailSender capturingMailSender() {
        return new CapturingMailSender();
    }

    @Bean
    @Primary
    MutableClock mutableClock() {
        return new MutableClock(Instant.now());
    }
}
