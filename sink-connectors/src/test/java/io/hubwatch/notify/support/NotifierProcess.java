package io.hubwatch.notify.support;

import io.hubwatch.notify.Notifier;
import io.hubwatch.notify.config.NotifierConfig;

import java.nio.file.Path;

/** A notifier in its own JVM, so a test can kill it with SIGKILL. Args: routing file, bootstrap servers. */
public final class NotifierProcess {
    private NotifierProcess() {}

    public static void main(String[] args) throws Exception {
        Notifier.start(NotifierConfig.load(Path.of(args[0])), args[1]);
        System.out.println("notifier started");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
