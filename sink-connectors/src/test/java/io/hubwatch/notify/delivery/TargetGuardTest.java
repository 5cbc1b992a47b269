package io.hubwatch.notify.delivery;

import io.hubwatch.notify.config.TargetPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetGuardTest {

    @Test
    void cloudMetadataAddressesAreRefused() {
        TargetGuard guard = new TargetGuard(new TargetPolicy(true, List.of()));

        assertThatThrownBy(() -> guard.check("169.254.169.254")).hasMessageContaining("cloud metadata address");
        assertThatThrownBy(() -> guard.check("metadata.google.internal")).hasMessageContaining("cloud metadata endpoint");
        assertThatThrownBy(() -> guard.check("[fd00:ec2::254]")).hasMessageContaining("cloud metadata address");
    }

    @Test
    void linkLocalAddressesAreRefusedEvenWithLoopbackAllowed() {
        TargetGuard guard = new TargetGuard(new TargetPolicy(true, List.of()));

        assertThatThrownBy(() -> guard.check("169.254.1.1")).hasMessageContaining("link-local address");
        assertThatThrownBy(() -> guard.check("fe80::1")).hasMessageContaining("link-local address");
    }

    @Test
    void loopbackIsRefusedUnlessAllowed() throws Exception {
        assertThatThrownBy(() -> new TargetGuard(TargetPolicy.DEFAULT).check("127.0.0.1"))
                .hasMessageContaining("loopback address");
        assertThat(new TargetGuard(new TargetPolicy(true, List.of())).check("127.0.0.1").isLoopbackAddress()).isTrue();
    }

    @Test
    void withAnAllowListOnlyListedTargetsPass() throws Exception {
        TargetGuard guard = new TargetGuard(new TargetPolicy(false, List.of("10.0.0.0/8", "*.example.com")));

        assertThat(guard.check("10.1.2.3").getHostAddress()).isEqualTo("10.1.2.3");
        assertThatThrownBy(() -> guard.check("192.168.1.1")).hasMessageContaining("not in hubwatch.allowed_targets");
    }
}
