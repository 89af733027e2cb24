package io.portcullis.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;

/**
 * The configuration metadata IDEs complete {@code portcullis.*} with, as the build generates it.
 * Spring's metadata format has no names for list items ({@code portcullis.routes[0].path}): IDEs
 * that complete them read the item class from the list property's type, and the others show the
 * list property's description, which therefore names every item key.
 */
class ConfigurationMetadataTest {
    private static final Object METADATA = read();

    private static Object read() {
        try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            return JsonPath.parse(in).json();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> property(String name) {
        List<Map<String, Object>> found = JsonPath.read(METADATA, "$.properties[?(@.name == '" + name + "')]");
        assertThat(found).as(name).hasSize(1);
        return found.get(0);
    }

    @Test
    void everyPropertyIsDescribed() {
        List<Map<String, Object>> properties = JsonPath.read(METADATA, "$.properties[?(@.name =~ /portcullis\\..*/)]");
        assertThat(properties).hasSizeGreaterThan(30);
        assertThat(properties).allSatisfy(p -> assertThat((String) p.get("description")).as((String) p.get("name")).isNotBlank());
    }

    @Test
    void listPropertiesNameTheirItemTypeAndDescribeEveryItemKey() {
        Map<String, Class<?>> lists = Map.of(
                "portcullis.listeners", PortcullisProperties.Listener.class,
                "portcullis.routes", PortcullisProperties.Route.class,
                "portcullis.policies", PortcullisProperties.Policy.class,
                "portcullis.app.policies", PortcullisProperties.Policy.class);
        lists.forEach((name, item) -> {
            Map<String, Object> p = property(name);
            assertThat((String) p.get("type")).isEqualTo("java.util.List<" + item.getName() + ">");
            assertDescribesEveryKey(name, (String) p.get("description"), item);
        });
    }

    @Test
    void mapPropertiesNameTheirValueTypeAndDescribeEveryKeyOfTheirValuesAndTheirGroups() {
        Map<String, Object> p = property("portcullis.clusters");
        assertThat((String) p.get("type")).isEqualTo("java.util.Map<java.lang.String," + PortcullisProperties.Cluster.class.getName() + ">");
        String description = (String) p.get("description");
        assertDescribesEveryKey("portcullis.clusters", description, PortcullisProperties.Cluster.class);
        // no metadata exists below a map value: the description names the keys of its groups too
        for (Class<?> group : List.of(PortcullisProperties.Endpoint.class, PortcullisProperties.Pool.class,
                PortcullisProperties.PassiveHealth.class, PortcullisProperties.ActiveHealth.class,
                PortcullisProperties.Retries.class)) {
            assertDescribesEveryKey("portcullis.clusters", description, group);
        }
    }

    private static void assertDescribesEveryKey(String name, String description, Class<?> item) {
        for (PropertyDescriptor d : BeanUtils.getPropertyDescriptors(item)) {
            if (d.getWriteMethod() == null) {
                continue;
            }
            String key = kebab(d.getName());
            assertThat(Pattern.compile("(^|[\\s(;,])" + Pattern.quote(key) + "([\\s),.;\\[]|$)").matcher(description).find())
                    .as("%s describes its item key %s: %s", name, key, description).isTrue();
        }
    }

    @Test
    void valueHintsAreMergedIn() {
        List<String> values = JsonPath.read(METADATA, "$.hints[?(@.name == 'portcullis.trusted-proxies')].values[*].value");
        assertThat(values).contains("10.0.0.0/8", "127.0.0.1/32");
        List<String> types = JsonPath.read(METADATA, "$.hints[?(@.name == 'portcullis.compression.types')].values[*].value");
        assertThat(types).contains("application/json", "text/*");
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
