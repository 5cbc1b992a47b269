package io.hubwatch.proxy.http;

import io.hubwatch.proxy.config.EndpointPolicy;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds the policy of a normalized path: the configured endpoint equal to it or, failing that, the longest one that
 * is a parent of it ({@code /api/v1/models} covers {@code /api/v1/models/x}). One hash lookup for exact paths.
 */
public final class EndpointMatcher {

    private final Map<String, EndpointPolicy> byPath;

    public EndpointMatcher(Map<String, EndpointPolicy> endpoints) {
        this.byPath = new HashMap<>(endpoints);
    }

    public EndpointPolicy match(String path) {
        EndpointPolicy p = byPath.get(path);
        if (p != null) {
            return p;
        }
        int slash = path.lastIndexOf('/');
        while (slash > 0) {
            p = byPath.get(path.substring(0, slash));
            if (p != null) {
                return p;
            }
            slash = path.lastIndexOf('/', slash - 1);
        }
        return null;
    }
}
