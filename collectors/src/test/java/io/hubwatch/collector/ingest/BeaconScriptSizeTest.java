package io.hubwatch.collector.ingest;

import io.hubwatch.collector.ingest.internal.BeaconScript;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The beacon is shipped as readable source and must stay under 3 KB gzipped. */
class BeaconScriptSizeTest {

    @Test
    void theBeaconIsUnderThreeKilobytesGzipped() {
        byte[] source = BeaconScript.source();
        int gzipped = BeaconScript.gzip(source).length;
        System.out.println("beacon.js: " + source.length + " bytes, " + gzipped + " bytes gzipped");
        assertThat(gzipped).isLessThan(3 * 1024);
    }
}
