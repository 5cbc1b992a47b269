package io.hubwatch.collector.host.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The local file systems of this machine, from the kernel's mount table ({@code <proc>/mounts}, where {@code <proc>}
 * is OSHI's {@code oshi.util.proc.path}, default {@code /proc}), filtered as OSHI's {@code getFileStores(true)} filters
 * them on Linux: no network or pseudo file system types, nothing under {@code /run}, {@code /sys}, {@code /proc}, no
 * {@code /dev}, no {@code shm}.
 *
 * <p>Why not OSHI here: on Linux every {@code getFileStores} call starts an {@code lsblk} process for volume labels and
 * resolves every link in {@code /dev/disk/by-uuid}; at a 1 s interval that was a process start every second for
 * values the agent never publishes.
 *
 * <pre>{@code
 * for (MountTable.Mount m : MountTable.read(MountTable.mountsFile())) { new File(m.path()).getUsableSpace(); }
 * }</pre>
 */
public final class MountTable {
    /** OSHI 6.8's {@code oshi.network.filesystem.types}. */
    static final Set<String> NETWORK_TYPES = Set.of("afs", "cifs", "smbfs", "sshfs", "ncpfs", "ncp", "nfs", "nfs4", "gfs",
            "gds2", "glusterfs");
    /** OSHI 6.8's {@code oshi.pseudo.filesystem.types}. */
    static final Set<String> PSEUDO_TYPES = Set.of("anon_inodefs", "autofs", "bdev", "binfmt_misc", "bpf", "cgroup",
            "cgroup2", "configfs", "cpuset", "dax", "debugfs", "devpts", "devtmpfs", "drm", "ecryptfs", "efivarfs", "fuse",
            "fusectl", "hugetlbfs", "inotifyfs", "mqueue", "nfsd", "overlay", "proc", "procfs", "pstore", "rootfs",
            "rpc_pipefs", "securityfs", "selinuxfs", "sunrpc", "sysfs", "systemd-1", "tracefs", "usbfs", "devfs", "ctfs",
            "fdescfs", "objfs", "mntfs", "sharefs", "lofs", "squashfs");

    /** One mounted file system. */
    public record Mount(String path, String type) {}

    private MountTable() {}

    /** {@code <oshi.util.proc.path>/mounts}: the same file OSHI reads, so the DaemonSet's host paths apply. */
    public static Path mountsFile() {
        String proc = System.getProperty("oshi.util.proc.path", "/proc").replaceAll("/$", "");
        return Path.of(proc.isEmpty() ? "/proc" : proc, "mounts");
    }

    /** The local file systems in the mount table file; none when it cannot be read (not Linux). */
    public static List<Mount> read(Path mounts) {
        try {
            return parse(Files.readAllLines(mounts));
        } catch (IOException e) {
            return List.of();
        }
    }

    static List<Mount> parse(List<String> lines) {
        List<Mount> local = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length < 3) {
                continue;
            }
            String path = unescape(f[1]);
            String type = f[2];
            if (!NETWORK_TYPES.contains(type) && !PSEUDO_TYPES.contains(type) && !excludedPath(path)) {
                local.add(new Mount(path, type));
            }
        }
        return local;
    }

    /** OSHI's default {@code oshi.os.linux.filesystem.path.excludes}: {@code /run**,/sys**,/proc**,/dev,**}{@code /shm}. */
    static boolean excludedPath(String path) {
        return path.startsWith("/run") || path.startsWith("/sys") || path.startsWith("/proc") || path.equals("/dev")
                || path.endsWith("/shm");
    }

    /** The mount table writes space, tab, newline and backslash as octal escapes ({@code \040}). */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
