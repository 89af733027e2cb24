package io.portcullis.server.config.internal;

import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.NodeType;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Finds the node a core field path ({@code listeners[0].tls.certificates[1].privateKey}) names, or
 * the deepest node on the way when the field was left to its default.
 */
public final class NodeLocator {
    private NodeLocator() {
    }

    public static Node find(Node root, String path) {
        Node current = root;
        for (Object seg : segments(path)) {
            Node next = null;
            if (seg instanceof String key && current.getNodeType() == NodeType.MAPPING) {
                for (NodeTuple t : ((MappingNode) current).getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) {
                        next = t.getValueNode();
                        break;
                    }
                }
            } else if (seg instanceof Integer i && current.getNodeType() == NodeType.SEQUENCE) {
                List<Node> items = ((SequenceNode) current).getValue();
                next = i < items.size() ? items.get(i) : null;
            }
            if (next == null) {
                return current;
            }
            current = next;
        }
        return current;
    }

    /** {@code a.b[2].c} as {@code ["a", "b", 2, "c"]}. */
    static List<Object> segments(String path) {
        List<Object> out = new ArrayList<>();
        if (path == null || path.isEmpty()) {
            return out;
        }
        for (String part : path.split("\\.")) {
            int b = part.indexOf('[');
            out.add(b < 0 ? part : part.substring(0, b));
            while (b >= 0) {
                int e = part.indexOf(']', b);
                if (e < 0) {
                    break;
                }
                try {
                    out.add(Integer.parseInt(part.substring(b + 1, e)));
                } catch (NumberFormatException ex) {
                    break;
                }
                b = part.indexOf('[', e);
            }
        }
        out.removeIf(s -> s instanceof String str && str.isEmpty());
        return out;
    }
}
