package io.portcullis.client.internal;

/** Where the client reports calls and retries; no-op unless a MeterRegistry was given. */
public interface CallMetrics {
    CallMetrics NONE = new CallMetrics() {
        @Override
        public void call(String method, String name, String outcome, int attempts, long nanos) {
        }

        @Override
        public void retry(String method, String name, String reason) {
        }
    };

    /** One finished call: {@code outcome} is the status ({@code 200}) or an error kind ({@code transport}, {@code deadline}). */
    void call(String method, String name, String outcome, int attempts, long nanos);

    /** One retry about to be sent, by reason ({@code 429}, {@code 503}, {@code connect}, {@code 401}). */
    void retry(String method, String name, String reason);
}
