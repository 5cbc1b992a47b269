package io.hubwatch.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The TCP sockets this process listens on, as the operating system sees them (Linux {@code /proc}: the same
 * information {@code ss -ltnp} prints), so that a test can check that nothing listens on a wildcard or a
 * non-loopback address, whatever the libraries it starts claim.
 *
 * <pre>{@code
 * assertThat(ListeningSockets.ofThisProcess()).allMatch(a -> a.getAddress().isLoopbackAddress());
 * }</pre>
 */
public final class ListeningSockets {
    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /** Every listening TCP socket (IPv4 and IPv6) owned by this process. */
    public static List<InetSocketAddress> ofThisProcess() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException e) {
                    // the descriptor was closed while we listed them
                }
            }
        }
        List<InetSocketAddress> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                if (f.length > 9 && LISTEN.equals(f[3]) && inodes.contains(f[9])) {
                    listening.add(parse(f[1]));
                }
            }
        }
        return listening;
    }

    /** {@code 0100007F:1F90} (little-endian words, as /proc prints them) to {@code 127.0.0.1:8080}. */
    static InetSocketAddress parse(String hexAddress) throws UnknownHostException {
        int colon = hexAddress.indexOf(':');
        String hex = hexAddress.substring(0, colon);
        int port = Integer.parseInt(hexAddress.substring(colon + 1), 16);
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int from = (word * 4 + (3 - i)) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(from, from + 2), 16);
            }
        }
        return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
    }

    /** Loopback, and not a wildcard (an IPv4-mapped IPv6 loopback counts as loopback). */
    public static boolean isLoopbackOnly(InetSocketAddress address) {
        return address.getAddress().isLoopbackAddress();
    }
}
