package io.hubwatch.k8s;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The JSON Schema of a Kubernetes kind, generated at test time from the fabric8 model of the Kubernetes API version
 * named in README.md (the model is generated from that version's OpenAPI document). Every object is closed
 * ({@code additionalProperties: false}), as {@code kubectl apply --validate=strict} treats unknown fields; every
 * scalar has its OpenAPI type (int-or-string and quantities accept both).
 */
final class ModelSchemas {
    private static final Set<String> STRING_LIKE = Set.of("Time", "MicroTime", "Duration");

    private final ObjectMapper mapper = new ObjectMapper();
    private final ObjectNode defs = mapper.createObjectNode();

    /** The schema of {@code kind}, with its definitions inline under {@code $defs}. */
    static ObjectNode of(Class<?> kind) {
        ModelSchemas s = new ModelSchemas();
        ObjectNode root = s.type(s.mapper.constructType(kind)).deepCopy();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("$defs", s.defs);
        return root;
    }

    private JsonNode type(JavaType t) {
        Class<?> raw = t.getRawClass();
        String name = raw.getSimpleName();
        if (raw == String.class || raw.isEnum() || raw.getPackageName().startsWith("io.fabric8") && STRING_LIKE.contains(name)) {
            return simple("string");
        }
        if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
            return simple("integer");
        }
        if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class) {
            return simple("number");
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return simple("boolean");
        }
        if (name.equals("IntOrString")) {
            return types("integer", "string");
        }
        if (name.equals("Quantity")) {
            return types("string", "number");
        }
        if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            ObjectNode n = simple("array");
            n.set("items", type(t.getContentType()));
            return n;
        }
        if (Map.class.isAssignableFrom(raw)) {
            ObjectNode n = simple("object");
            n.set("additionalProperties", type(t.getContentType()));
            return n;
        }
        if (!raw.getPackageName().startsWith("io.fabric8") || name.equals("AnyType") || raw == Object.class) {
            return mapper.createObjectNode(); // free-form (e.g. a CRD's JSON)
        }
        String key = raw.getName();
        if (!defs.has(key)) {
            ObjectNode def = simple("object");
            defs.set(key, def); // placed before its properties: the model is recursive in places
            ObjectNode props = mapper.createObjectNode();
            for (BeanPropertyDefinition p : mapper.getDeserializationConfig().introspect(t).findProperties()) {
                if (p.hasSetter() || p.hasField() || p.hasConstructorParameter()) {
                    if (!p.getName().equals("additionalProperties")) {
                        props.set(p.getName(), type(p.getPrimaryType()));
                    }
                }
            }
            def.set("properties", props);
            def.put("additionalProperties", false);
        }
        ObjectNode ref = mapper.createObjectNode();
        ref.put("$ref", "#/$defs/" + key);
        return ref;
    }

    private ObjectNode simple(String type) {
        ObjectNode n = mapper.createObjectNode();
        n.put("type", type);
        return n;
    }

    private ObjectNode types(String... names) {
        ObjectNode n = mapper.createObjectNode();
        ArrayNode a = n.putArray("type");
        for (String s : names) {
            a.add(s);
        }
        return n;
    }
}
