package io.portcullis.spring.internal;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@code portcullis.enabled} if set; otherwise whether any listener or route is configured, so
 * adding the starter alone changes nothing.
 */
public final class OnGatewayConfiguredCondition extends SpringBootCondition {
    private static final ConfigurationPropertyName LISTENERS = ConfigurationPropertyName.of("portcullis.listeners");
    private static final ConfigurationPropertyName ROUTES = ConfigurationPropertyName.of("portcullis.routes");

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Environment env = context.getEnvironment();
        String enabled = env.getProperty("portcullis.enabled");
        if (enabled != null && !enabled.isBlank()) {
            boolean on = Boolean.parseBoolean(enabled.trim());
            return new ConditionOutcome(on, "portcullis.enabled=" + enabled.trim());
        }
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(env)) {
            if (source.containsDescendantOf(LISTENERS) == ConfigurationPropertyState.PRESENT
                    || source.containsDescendantOf(ROUTES) == ConfigurationPropertyState.PRESENT) {
                return ConditionOutcome.match("portcullis listeners or routes are configured");
            }
        }
        return ConditionOutcome.noMatch("no portcullis.listeners or portcullis.routes and portcullis.enabled unset");
    }
}
