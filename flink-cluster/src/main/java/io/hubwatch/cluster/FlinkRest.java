package io.hubwatch.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few calls of a Flink cluster's REST API that starting and checking a cluster needs.
 *
 * <pre>{@code
 * new FlinkRest("127.0.0.1", 8081).jobState(jobId);   // "RUNNING"
 * }</pre>
 */
public final class FlinkRest {
    private static final Pattern SLOTS = Pattern.compile("\"slots-total\"\\s*:\\s*(\\d+)");

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public FlinkRest(String host, int port) {
        this.base = URI.create("http://" + host + ":" + port + "/");
    }

    /** {@code GET path}, the body; throws on a non-2xx answer. */
    public String get(String path) throws IOException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(15))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
            }
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The slots the registered TaskManagers offer, 0 while none has registered. */
    public int slotsTotal() throws IOException {
        Matcher m = SLOTS.matcher(get("overview"));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** The job's state: {@code CREATED}, {@code RUNNING}, {@code FINISHED}, {@code CANCELED}, {@code FAILED}... */
    public String jobState(String jobId) throws IOException {
        return JobLook.status(this, jobId).name(); // read as JobLook reads it: one reading of /jobs/<id>
    }

    /** The job's status, whether its tasks have all started, and its last failure (see {@link JobLook}). */
    public JobLook look(String jobId) throws IOException {
        return JobLook.read(this, jobId);
    }

    /**
     * Waits until the job has started ({@link JobLook#started}: RUNNING, every task running, its sources reading);
     * throws when it ends first, or at the timeout, with its last failure.
     */
    public void awaitRunning(String jobId, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String problem = "no answer";
        while (System.nanoTime() < deadline) {
            JobLook look;
            try {
                look = look(jobId);
            } catch (IOException e) { // a busy JobManager answers late, or does not know the job yet: ask again
                problem = e.getMessage();
                Thread.sleep(200);
                continue;
            }
            if (look.started()) {
                return;
            }
            problem = look.status() + (look.failure() == null ? "" : ", last failure: " + look.failure());
            if (look.status().isGloballyTerminalState()) {
                throw new IllegalStateException("job " + jobId + " is " + problem);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("job " + jobId + " not running after " + timeout + ": " + problem);
    }

    /** Waits until the REST endpoint answers at all. */
    void awaitAnswer(Duration timeout, Process jobManager) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!jobManager.isAlive()) {
                throw new IOException("the JobManager exited with " + jobManager.exitValue());
            }
            try {
                slotsTotal();
                return;
            } catch (IOException e) {
                // not listening yet, or electing its leader
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("the JobManager's REST endpoint did not answer within " + timeout);
    }

    void awaitSlots(int slots, Duration timeout, List<Process> processes) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            for (Process p : List.of(processes.get(0), processes.get(processes.size() - 1))) {
                if (!p.isAlive()) {
                    throw new IOException("process " + p.pid() + " exited with " + p.exitValue());
                }
            }
            try {
                if (slotsTotal() >= slots) {
                    return;
                }
            } catch (IOException e) {
                last = e; // the REST endpoint is not up yet
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("no TaskManager with " + slots + " slots registered within " + timeout
                + (last == null ? "" : " (" + last.getMessage() + ")"));
    }
}
