package io.hubwatch.notify.delivery;

import io.hubwatch.notify.config.TargetPolicy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The SSRF guard for webhook and Slack targets. A host is resolved once, every address is checked, and the request is
 * then sent to the checked address (so a DNS answer cannot change between the check and the connect).
 * Always refused: link-local addresses (169.254.0.0/16, fe80::/10), cloud metadata endpoints (169.254.169.254,
 * fd00:ec2::254, 100.100.100.200, 192.0.0.192, metadata.google.internal) and the unspecified address. Loopback is
 * refused unless {@link TargetPolicy#allowLoopback()}. With a non-empty allow-list, only listed hosts or CIDRs pass.
 *
 * <pre>{@code
 * InetAddress address = new TargetGuard(policy).check("hooks.slack.com");   // throws TargetRefusedException
 * }</pre>
 */
public final class TargetGuard {
    private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata.goog", "metadata",
            "instance-data", "instance-data.ec2.internal");
    private static final Set<String> METADATA_IPS = Set.of("169.254.169.254", "fd00:ec2:0:0:0:0:0:254",
            "100.100.100.200", "192.0.0.192", "169.254.170.2");

    private final TargetPolicy policy;

    public TargetGuard(TargetPolicy policy) {
        this.policy = policy;
    }

    /** Thrown when a target is refused; the message names the host and the reason, never the URL path. */
    public static final class TargetRefusedException extends Exception {
        public TargetRefusedException(String message) {
            super(message);
        }
    }

    /**
     * Resolves {@code host} and checks every address.
     *
     * @return the address to connect to
     */
    public InetAddress check(String host) throws TargetRefusedException {
        String byName = refusalByName(host, policy);
        if (byName != null) {
            throw new TargetRefusedException(byName);
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new TargetRefusedException("target host " + host + " does not resolve");
        }
        for (InetAddress a : addresses) {
            String refusal = refusal(host, a, policy);
            if (refusal != null) {
                throw new TargetRefusedException(refusal);
            }
        }
        return addresses[0];
    }

    /**
     * The check done when the routing file is loaded: names and literal addresses only (no DNS look-up, which may
     * not work yet at start). Returns null when the target may be used.
     */
    public static String refusalAtLoad(String host, TargetPolicy policy) {
        String byName = refusalByName(host, policy);
        if (byName != null) {
            return byName;
        }
        String h = stripBrackets(host);
        if (isLiteral(h)) {
            try {
                return refusal(host, InetAddress.getByName(h), policy);
            } catch (UnknownHostException e) {
                return "target host " + host + " is not a valid address";
            }
        }
        return null;
    }

    private static String refusalByName(String host, TargetPolicy policy) {
        String h = stripBrackets(host).toLowerCase(Locale.ROOT);
        if (METADATA_HOSTS.contains(h)) {
            return "target " + host + " is a cloud metadata endpoint; refused by the SSRF guard";
        }
        if (h.equals("localhost") && !policy.allowLoopback()) {
            return "target " + host + " is a loopback address; refused by the SSRF guard (set hubwatch.allow_loopback: true to allow)";
        }
        if (!policy.allowedTargets().isEmpty() && !isLiteral(h)
                && policy.allowedTargets().stream().noneMatch(entry -> nameMatches(h, entry))
                && policy.allowedTargets().stream().allMatch(entry -> !entry.contains("/"))) {
            return "target " + host + " is not in hubwatch.allowed_targets; refused by the SSRF guard";
        }
        return null;
    }

    private static String refusal(String host, InetAddress a, TargetPolicy policy) {
        String ip = a.getHostAddress();
        String shown = host.equals(ip) ? host : host + " (" + ip + ")";
        if (METADATA_IPS.contains(ip)) {
            return "target " + shown + " is a cloud metadata address; refused by the SSRF guard";
        }
        if (a.isLinkLocalAddress()) {
            return "target " + shown + " is a link-local address; refused by the SSRF guard";
        }
        if (a.isAnyLocalAddress()) {
            return "target " + shown + " is the unspecified address; refused by the SSRF guard";
        }
        if (a.isLoopbackAddress() && !policy.allowLoopback()) {
            return "target " + shown + " is a loopback address; refused by the SSRF guard (set hubwatch.allow_loopback: true to allow)";
        }
        List<String> allow = policy.allowedTargets();
        if (!allow.isEmpty() && !(a.isLoopbackAddress() && policy.allowLoopback())) {
            String name = stripBrackets(host).toLowerCase(Locale.ROOT);
            boolean ok = allow.stream().anyMatch(entry -> entry.contains("/") ? inCidr(a, entry) : nameMatches(name, entry)
                    || entry.equals(ip));
            if (!ok) {
                return "target " + shown + " is not in hubwatch.allowed_targets; refused by the SSRF guard";
            }
        }
        return null;
    }

    private static boolean nameMatches(String host, String entry) {
        String e = entry.toLowerCase(Locale.ROOT);
        if (e.startsWith("*.")) {
            return host.endsWith(e.substring(1));
        }
        return host.equals(e);
    }

    private static boolean inCidr(InetAddress a, String cidr) {
        try {
            String[] parts = cidr.split("/");
            InetAddress net = InetAddress.getByName(parts[0]);
            int bits = Integer.parseInt(parts[1]);
            byte[] x = a.getAddress();
            byte[] y = net.getAddress();
            if (x.length != y.length) {
                return false;
            }
            int total = x.length * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(total).subtract(BigInteger.ONE)
                    .shiftRight(bits).xor(BigInteger.ONE.shiftLeft(total).subtract(BigInteger.ONE));
            return new BigInteger(1, x).and(mask).equals(new BigInteger(1, y).and(mask));
        } catch (UnknownHostException | RuntimeException e) {
            return false;
        }
    }

    private static boolean isLiteral(String h) {
        return h.matches("[0-9.]+") || h.contains(":");
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
