package io.portcullis.examples.refapp;

import io.portcullis.examples.refapp.mail.MailSender;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A test's mail box: keeps every message so a test can read the token it carries. */
public final class CapturingMailSender implements MailSender {
    private final List<Message> messages = new CopyOnWriteArrayList<>();

    @Override
    public void send(Message message) {
        messages.add(message);
    }

    /** The token of the latest message of {@code purpose} to {@code to}. */
    public String lastToken(String to, String purpose) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Message m = messages.get(i);
            if (m.to().equals(to) && purpose.equals(m.purpose())) {
                return m.token();
            }
        }
        throw new AssertionError("no " + purpose + " mail to " + to + " in " + messages);
    }

    public List<Message> to(String to) {
        return messages.stream().filter(m -> m.to().equals(to)).toList();
    }
}
