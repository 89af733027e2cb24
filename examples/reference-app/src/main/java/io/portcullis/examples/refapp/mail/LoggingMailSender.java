package io.portcullis.examples.refapp.mail;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The default {@link MailSender}: writes each message to the log ({@code refapp.mail}), as seed
 * 002's "email stub". Fine for a demo; anyone who can read the log can use the tokens in it. A
 * {@code @Primary} MailSender bean (SMTP, or a test's capturing one) replaces it.
 */
@Component
public class LoggingMailSender implements MailSender {
    private static final Logger LOG = LoggerFactory.getLogger("refapp.mail");

    @Override
    public void send(Message m) {
        LOG.info("mail to={} subject=\"{}\"\n{}", m.to(), m.subject(), m.body());
    }
}
