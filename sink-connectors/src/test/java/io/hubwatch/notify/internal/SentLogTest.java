package io.hubwatch.notify.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Delivered notifications are remembered across a restart, and the record stays bounded. */
class SentLogTest {

    @Test
    void aDeliveryRecordedBeforeARestartIsKnownAfterIt(@TempDir Path dir) {
        try (SentLog before = SentLog.open(dir.resolve("notifier"), 100)) {
            before.add("ops/slack[0]", "k1");
            assertThat(before.contains("ops/slack[0]", "k1")).isTrue();
        }
        try (SentLog after = SentLog.open(dir.resolve("notifier"), 100)) {
            assertThat(after.contains("ops/slack[0]", "k1")).isTrue();
            assertThat(after.contains("ops/email[0]", "k1")).as("per integration").isFalse();
            assertThat(after.contains("ops/slack[0]", "k2")).isFalse();
        }
    }

    @Test
    void onlyTheNewestEntriesAreKeptAndTheFileIsCompacted(@TempDir Path dir) throws Exception {
        try (SentLog log = SentLog.open(dir, 3)) {
            for (int i = 0; i < 10; i++) {
                log.add("hook", "k" + i);
            }
            assertThat(log.entries()).containsExactly("hook k7", "hook k8", "hook k9");
        }
        assertThat(Files.readAllLines(dir.resolve("sent.log")).size()).isLessThan(6);
        try (SentLog reopened = SentLog.open(dir, 3)) {
            assertThat(reopened.entries()).containsExactly("hook k7", "hook k8", "hook k9");
        }
    }
}
