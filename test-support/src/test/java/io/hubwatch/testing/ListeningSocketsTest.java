package io.hubwatch.testing;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

class ListeningSocketsTest {

    @Test
    void procAddressesAreDecoded() throws Exception {
        assertThat(ListeningSockets.parse("0100007F:1F90")).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
        assertThat(ListeningSockets.parse("00000000000000000000000001000000:0050").getAddress().isLoopbackAddress()).isTrue();
        assertThat(ListeningSockets.isLoopbackOnly(ListeningSockets.parse("00000000:0050"))).isFalse();
    }
}
