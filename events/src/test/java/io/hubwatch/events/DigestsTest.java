package io.hubwatch.events;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Ids and fingerprints are part of the wire contract: made faster, they must not change. */
class DigestsTest {
    @Test
    void aNameUuidIsTheJdksVersion3Uuid() {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            byte[] name = new byte[random.nextInt(200)];
            random.nextBytes(name);
            assertThat(Digests.nameUuid(name)).isEqualTo(UUID.nameUUIDFromBytes(name));
        }
    }

    @Test
    void incidentIdsAndFingerprintsAreTheOnesEarlierVersionsMade() {
        // computed by the version before the digests were kept per thread (events 0.1.0-SNAPSHOT of 2026-12-02)
        assertThat(Incident.idFor("0123456789abcdef", Instant.ofEpochMilli(1764124800000L), IncidentStatus.FIRING))
                .isEqualTo("b53bb82d-3d96-3fb7-a7fe-f41ed08657c7");
        assertThat(Labels.fingerprint(Map.of("host", "web-1", "alertname", "HighCpu", "sev", "crit")))
                .isEqualTo("102635424ebd7a09");
        assertThat(Labels.fingerprint(Map.of("k", "ünï\"cødé", "a", ""))).isEqualTo("fd72e3bf0e595f71");
    }

    @Test
    void aFingerprintIsTheSameForSortedAndUnsortedMaps() {
        Map<String, String> unsorted = new HashMap<>(Map.of("z", "1", "a", "2", "m", "3"));
        assertThat(Labels.fingerprint(unsorted)).isEqualTo(Labels.fingerprint(new java.util.TreeMap<>(unsorted)));
        // a sorted map in another order is not taken as it is
        java.util.TreeMap<String, String> reversed = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
        reversed.putAll(unsorted);
        assertThat(Labels.fingerprint(reversed)).isEqualTo(Labels.fingerprint(unsorted));
    }

    @Test
    void threadsDoNotShareADigest() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            java.util.List<Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 5_000; i++) {
                        byte[] name = ("episode-" + random.nextLong()).getBytes(StandardCharsets.UTF_8);
                        if (!Digests.nameUuid(name).equals(UUID.nameUUIDFromBytes(name))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
