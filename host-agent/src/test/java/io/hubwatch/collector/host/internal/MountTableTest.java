package io.hubwatch.collector.host.internal;

import org.junit.jupiter.api.Test;
import oshi.SystemInfo;
import oshi.software.os.OSFileStore;

import java.io.File;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class MountTableTest {

    @Test
    void keepsLocalFileSystemsAndDropsWhatOshiDrops() {
        List<MountTable.Mount> mounts = MountTable.parse(List.of(
                "/dev/vda / ext4 rw,relatime 0 0",
                "proc /proc proc rw 0 0",
                "tmpfs /dev/shm tmpfs rw 0 0",
                "tmpfs /run/user/1000 tmpfs rw 0 0",
                "overlay /var/lib/docker/overlay2/x/merged overlay rw 0 0",
                "server:/export /mnt/nfs nfs4 rw 0 0",
                "/dev/sdb1 /mnt/my\\040disk xfs rw 0 0",
                "/dev/loop3 /snap/core/1 squashfs ro 0 0",
                "tmpfs /tmp tmpfs rw 0 0",
                "garbage"));

        assertThat(mounts).containsExactly(new MountTable.Mount("/", "ext4"), new MountTable.Mount("/mnt/my disk", "xfs"),
                new MountTable.Mount("/tmp", "tmpfs"));
    }

    @Test
    void unescapesTheMountTablesOctalEscapes() {
        assertThat(MountTable.unescape("/a\\040b\\011c\\134d")).isEqualTo("/a b\tc\\d");
        assertThat(MountTable.unescape("/plain")).isEqualTo("/plain");
        assertThat(MountTable.unescape("/odd\\04")).isEqualTo("/odd\\04");
    }

    @Test
    void onThisMachineTheDisksAreTheOnesOshiReports() {
        Set<String> ours = MountTable.read(MountTable.mountsFile()).stream()
                .filter(m -> HostSampler.isDisk(m.type(), new File(m.path()).getTotalSpace()))
                .map(MountTable.Mount::path).collect(Collectors.toSet());
        Set<String> oshi = new SystemInfo().getOperatingSystem().getFileSystem().getFileStores(true).stream()
                .filter(s -> HostSampler.isDisk(s.getType(), s.getTotalSpace()))
                .map(OSFileStore::getMount).collect(Collectors.toSet());

        assertThat(ours).isEqualTo(oshi).isNotEmpty();
    }
}
