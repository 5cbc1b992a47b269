package io.hubwatch.launcher;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGTERM and Ctrl-C (SIGINT) into a normal return, so a foreground command can close cleanly and exit 0
 * (with only a shutdown hook the JVM would exit 143 or 130 however cleanly the command stopped).
 *
 * <pre>{@code
 * StopSignals signals = StopSignals.install(Duration.ofSeconds(7));
 * signals.awaitStop();      // until SIGTERM or Ctrl-C
 * ... close things ...
 * signals.finished();
 * }</pre>
 */
public final class StopSignals {
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    private StopSignals() {}

    /** @param cleanupTime how long a shutdown hook (the fallback) waits for {@link #finished()} */
    @SuppressWarnings("removal")
    public static StopSignals install(Duration cleanupTime) {
        StopSignals signals = new StopSignals();
        boolean hooked = false;
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> signals.stopRequested.countDown());
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                // the platform or -Xrs keeps this signal: a shutdown hook still lets the command clean up, but the
                // exit code is then the JVM's
                if (!hooked) {
                    hooked = true;
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        signals.stopRequested.countDown();
                        try {
                            signals.finished.await(cleanupTime.toMillis(), TimeUnit.MILLISECONDS);
                        } catch (InterruptedException interrupted) {
                            Thread.currentThread().interrupt();
                        }
                    }, "hubwatch-stop"));
                }
            }
        }
        return signals;
    }

    public void awaitStop() throws InterruptedException {
        stopRequested.await();
    }

    /** The command has cleaned up; a waiting shutdown hook may let the JVM go. */
    public void finished() {
        finished.countDown();
    }
}
