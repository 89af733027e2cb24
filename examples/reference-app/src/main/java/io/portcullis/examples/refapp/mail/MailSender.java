package io.portcullis.examples.refapp.mail;

/** Sends the app's mail (verification and reset links). The default writes it to the log. */
public interface MailSender {
    /** One message; {@code purpose} names the template (verify-email, reset-password, ...). */
    record Message(String to, String subject, String body, String purpose, String token) {
    }

    void send(Message message);
}
