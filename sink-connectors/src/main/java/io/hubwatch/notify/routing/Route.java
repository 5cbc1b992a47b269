package io.hubwatch.notify.routing;

import io.hubwatch.events.Labels;
import io.hubwatch.rules.LabelMatcher;
import io.hubwatch.notify.config.RouteConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The compiled route tree, matched exactly as Alertmanager does: depth first; a route whose matchers match tries its
 * children in order, stopping at the first match unless that child has {@code continue: true}; when no child matches,
 * the route itself is the match.
 *
 * <pre>{@code
 * Route root = Route.compile(config.route());
 * for (Route r : root.match(AlertLabels.of(incident))) { String key = r.groupKey(labels); ... }
 * }</pre>
 */
public final class Route {
    private final RouteConfig config;
    private final String key;
    private final List<Route> children;

    private Route(RouteConfig config, String parentKey, int index) {
        this.config = config;
        String own = "{" + config.matchers().stream().map(LabelMatcher::toString).collect(Collectors.joining(",")) + "}";
        // Alertmanager's key is parent key + "/" + matchers; the sibling index keeps twin routes apart
        this.key = parentKey == null ? own : parentKey + "/" + own + "/" + index;
        List<Route> kids = new ArrayList<>();
        for (int i = 0; i < config.routes().size(); i++) {
            kids.add(new Route(config.routes().get(i), key, i));
        }
        this.children = List.copyOf(kids);
    }

    public static Route compile(RouteConfig root) {
        return new Route(root, null, 0);
    }

    public RouteConfig config() {
        return config;
    }

    /** Stable identity of this route in the tree, e.g. {@code {}/{severity="critical"}/0}. */
    public String key() {
        return key;
    }

    public String receiver() {
        return config.receiver();
    }

    /** The routes that take an alert with these labels; never empty for the root. */
    public List<Route> match(Map<String, String> labels) {
        if (!config.matchers().stream().allMatch(m -> m.matches(labels))) {
            return List.of();
        }
        List<Route> all = new ArrayList<>();
        for (Route child : children) {
            List<Route> matches = child.match(labels);
            all.addAll(matches);
            if (!matches.isEmpty() && !child.config.continueMatching()) {
                break;
            }
        }
        if (all.isEmpty()) {
            all.add(this);
        }
        return all;
    }

    /** The labels this route groups by, taken from an alert's labels (missing ones are left out, as in Alertmanager). */
    public Map<String, String> groupLabels(Map<String, String> labels) {
        if (config.groupByAll()) {
            return new TreeMap<>(labels);
        }
        TreeMap<String, String> out = new TreeMap<>();
        for (String name : config.groupBy()) {
            String v = labels.get(name);
            if (v != null) {
                out.put(name, v);
            }
        }
        return out;
    }

    /** Alertmanager-style group key: route key, colon, rendered group labels. */
    public String groupKey(Map<String, String> groupLabels) {
        String rendered = Labels.render(groupLabels);
        return key + ":" + (rendered.isEmpty() ? "{}" : rendered);
    }
}
