package io.hubwatch.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamGateTest {

    @Test
    void pastTheLimitRequestsQueueAndPastTheQueueTheyAreRefused() {
        UpstreamGate gate = new UpstreamGate(2, 3);
        List<Integer> ran = new ArrayList<>();
        List<Boolean> accepted = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            int n = i;
            accepted.add(gate.enter(() -> ran.add(n)));
        }
        assertThat(accepted).containsExactly(true, true, true, true, true, false, false);
        assertThat(ran).containsExactly(0, 1);
        assertThat(gate.queued()).isEqualTo(3);
        gate.release();
        assertThat(ran).containsExactly(0, 1, 2);
        gate.release();
        gate.release();
        assertThat(ran).containsExactly(0, 1, 2, 3, 4);
        assertThat(gate.inFlight()).isEqualTo(2);
        gate.release();
        gate.release();
        assertThat(gate.inFlight()).isZero();
    }

    @Test
    void ifNoneMatchUsesWeakComparison() {
        assertThat(Responder.etagMatches("W/\"a\"", "\"a\"")).isTrue();
        assertThat(Responder.etagMatches("\"b\", \"a\"", "W/\"a\"")).isTrue();
        assertThat(Responder.etagMatches("*", "\"a\"")).isTrue();
        assertThat(Responder.etagMatches("\"b\"", "\"a\"")).isFalse();
    }
}
