package io.portcullis.examples.refapp;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The reference app: the auth service of seed 002 and the prompt API of seed 000, run behind Portcullis. */
@SpringBootApplication
@EnableConfigurationProperties(RefAppProperties.class)
public class ReferenceApp {
    public static void main(String[] args) {
        SpringApplication.run(ReferenceApp.class, args);
    }

    /** Every time-based rule (token expiry, key retirement, throttling) reads this clock. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
