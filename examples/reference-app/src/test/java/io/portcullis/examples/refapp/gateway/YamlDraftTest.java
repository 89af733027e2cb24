package io.portcullis.examples.refapp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.gateway.Gateway;
import io.portcullis.gateway.GatewayConfig;
import io.portcullis.gateway.ListenerConfig;
import io.portcullis.gateway.RouteConfig;
import io.portcullis.gateway.policy.PolicySpec;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** portcullis.yaml (the draft for the server module) says what ReferenceGateway says, and its settings are valid. */
class YamlDraftTest {

    @Test
    @SuppressWarnings("unchecked")
    void yamlDraft_matchesTheJavaConfig_andBuilds() throws Exception {
        Map<String, Object> yaml;
        try (Reader r = Files.newBufferedReader(Path.of("portcullis.yaml"))) {
            yaml = new Yaml().load(r);
        }
        Gateway.Builder fromYaml = Gateway.builder().listener(ListenerConfig.http(0).bind("127.0.0.1"));
        for (Map<String, Object> p : (List<Map<String, Object>>) yaml.get("policies")) {
            fromYaml.policy(spec(p));
        }
        for (Map<String, Object> route : (List<Map<String, Object>>) yaml.get("routes")) {
            String path = (String) route.get("path");
            RouteConfig.Builder b = "EXACT".equals(route.get("pathMatch")) ? RouteConfig.exact(path) : RouteConfig.prefix(path);
            if (route.containsKey("methods")) {
                b.methods(((List<String>) route.get("methods")).toArray(String[]::new));
            }
            b.to((String) ((Map<String, Object>) route.get("upstream")).get("url"));
            for (Map<String, Object> p : (List<Map<String, Object>>) route.getOrDefault("policies", List.of())) {
                b.policy(spec(p));
            }
            fromYaml.route(b.build());
        }
        GatewayConfig yamlConfig = fromYaml.buildConfig();
        GatewayConfig javaConfig = ReferenceGateway.routes(ReferenceGateway.Settings.defaults())
                .listener(ListenerConfig.http(0).bind("127.0.0.1")).buildConfig();

        assertThat(yamlConfig.policies()).isEqualTo(javaConfig.policies());
        assertThat(sorted(yamlConfig.routes())).isEqualTo(sorted(javaConfig.routes()));
        try (Gateway built = fromYaml.build()) {       // every policy setting validated (unknown names fail)
            assertThat(built.config().routes()).hasSize(14);
        }
    }

    @SuppressWarnings("unchecked")
    private static PolicySpec spec(Map<String, Object> p) {
        return new PolicySpec((String) p.get("type"), (Map<String, ?>) p.getOrDefault("settings", Map.of()));
    }

    private static List<RouteConfig> sorted(List<RouteConfig> routes) {
        List<RouteConfig> copy = new ArrayList<>(routes);
        copy.sort(Comparator.comparing(RouteConfig::id));
        return copy;
    }
}
