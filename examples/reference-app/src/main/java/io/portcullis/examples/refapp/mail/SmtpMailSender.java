package io.portcullis.examples.refapp.mail;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Primary;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Sends the app's mail over SMTP when {@code spring.mail.host} is set (Spring Boot's
 * {@code spring.mail.*}: port, username, password, STARTTLS properties), from {@code refapp.mail.from}.
 * Replaces the logging sender.
 */
@Component
@Primary
@ConditionalOnProperty("spring.mail.host")
public class SmtpMailSender implements MailSender {
    private final JavaMailSender smtp;
    private final String from;

    public SmtpMailSender(JavaMailSender smtp, @Value("${refapp.mail.from:no-reply@localhost}") String from) {
        this.smtp = smtp;
        this.from = from;
    }

    @Override
    public void send(Message message) {
        SimpleMailMessage m = new SimpleMailMessage();
        m.setFrom(from);
        m.setTo(message.to());
        m.setSubject(message.subject());
        m.setText(message.body());
        smtp.send(m);
    }
}
