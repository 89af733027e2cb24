package io.portcullis.gateway.cluster;

import io.portcullis.testing.IdentityBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** What the cluster tests share: their real backends and the gateway in front of them, closed after each test. */
abstract class ClusterTestBase {
    final List<IdentityBackend> backends = new ArrayList<>();
    ClusterFixture fx;

    IdentityBackend backend(String name) {
        IdentityBackend b = IdentityBackend.start(name);
        backends.add(b);
        return b;
    }

    @AfterEach
    void stopGatewayAndBackends() {
        if (fx != null) {
            fx.close();
        }
        backends.forEach(IdentityBackend::close);
    }
}
