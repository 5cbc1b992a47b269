package io.hubwatch.notify.routing;

import io.hubwatch.notify.config.NotifierConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RouteTest {

    private static final Route ROOT = Route.compile(NotifierConfig.parse("""
            route:
              receiver: default
              group_by: [alertname]
              routes:
                - matchers: ['severity="critical"']
                  receiver: pager
                  continue: true
                - matchers: ['team=~"db|api"']
                  receiver: backend
                - matchers: ['team="db"']
                  receiver: never-reached
            receivers: [{name: default}, {name: pager}, {name: backend}, {name: never-reached}]
            """, null, k -> null).route());

    @Test
    void anAlertMatchingNoChildGoesToTheRootReceiver() {
        assertThat(ROOT.match(Map.of("alertname", "x", "team", "web"))).extracting(Route::receiver).containsExactly("default");
    }

    @Test
    void continueLetsLaterSiblingsMatchAndTheFirstMatchWithoutContinueStops() {
        assertThat(ROOT.match(Map.of("alertname", "x", "severity", "critical", "team", "db")))
                .extracting(Route::receiver).containsExactly("pager", "backend");
    }

    @Test
    void groupKeysFollowAlertmanagersShape() {
        Route pager = ROOT.match(Map.of("alertname", "cpu", "severity", "critical")).get(0);

        assertThat(pager.groupKey(pager.groupLabels(Map.of("alertname", "cpu", "host", "a"))))
                .isEqualTo("{}/{severity=\"critical\"}/0:{alertname=\"cpu\"}");
    }
}
