package io.hubwatch.notify.config;

import io.hubwatch.rules.LabelMatcher;

import java.time.Duration;
import java.util.List;

/**
 * One node of the route tree, with the values it inherits from its parent already filled in (as Alertmanager does).
 *
 * @param path           where it is in the file, e.g. {@code route.routes[1]}, for messages
 * @param groupBy        label names; ignored when {@code groupByAll} ({@code group_by: ['...']})
 * @param continueMatching after this route matched, later siblings are tried too
 */
public record RouteConfig(String path, String receiver, List<LabelMatcher> matchers, boolean continueMatching,
                          List<String> groupBy, boolean groupByAll, Duration groupWait, Duration groupInterval,
                          Duration repeatInterval, List<RouteConfig> routes) {
    public RouteConfig {
        matchers = List.copyOf(matchers);
        groupBy = List.copyOf(groupBy);
        routes = List.copyOf(routes);
    }
}
