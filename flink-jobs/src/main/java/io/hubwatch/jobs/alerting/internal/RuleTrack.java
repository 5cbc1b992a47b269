package io.hubwatch.jobs.alerting.internal;

/**
 * One rule's view of one series, as far as the stages after {@link EvaluateRules} are concerned: what the last sample
 * was (holding, in the hysteresis band, recovered), and the run that {@link HeldFor} is timing, mirrored here so that
 * only the samples that can change something there are passed on ({@link #passOn}). Kept per rule in EvaluateRules'
 * state; a POJO.
 */
public class RuleTrack {
    static final byte HOLDS = 0;
    static final byte BAND = 1;
    static final byte RECOVERED = 2;
    static final long NO_RUN = Long.MIN_VALUE;
    /** {@link #runStart} of a run that has breached and goes on ({@link HeldFor#MATCHED}): CEP starts no new run in it. */
    static final long MATCHED = Long.MIN_VALUE + 1;

    public String ruleId;
    /** {@link RuleBook#version}: a changed rule begins the track again. */
    public int ruleVersion;
    /** The last sample's kind: {@link #HOLDS}, {@link #BAND} or {@link #RECOVERED}. */
    public byte kind;
    /** Event time of the first sample of HeldFor's current run, {@link #MATCHED} once it breached, or {@link #NO_RUN}. */
    public long runStart;
    /** Wall-clock time HeldFor last saw a holding sample of this rule (its staleness clock), or 0. */
    public long heldAt;
    /**
     * Whether HeldFor's run is known to be the one mirrored here: false for a track begun on a holding sample (after a
     * restore from older state, or a rule change, HeldFor may be in the middle of a run this track did not see start),
     * until a sample that does not hold ends every run on both sides.
     */
    public boolean synced;

    /** Begins (or begins again, for a changed rule) at a sample; {@code synced}: see {@link #synced}. */
    void begin(int version, boolean synced) {
        this.ruleVersion = version;
        this.synced = synced;
        this.runStart = NO_RUN;
    }

    /**
     * Whether this sample must be passed on, and the track moved on to it.
     *
     * @param always      pass it on whatever it is (the track's first sample, a rule that needs every one)
     * @param forMs       the rule's {@code for}
     * @param horizonMs   HeldFor's staleness horizon: it ends a run it has not seen a holding sample of for this long
     * @param refreshMs   pass on a holding sample at least this often (wall clock), so that HeldFor does not end a run
     *                    whose series is still sampled
     */
    boolean passOn(boolean always, long forMs, long timestamp, boolean holds, boolean recovered, long now,
                   long horizonMs, long refreshMs) {
        byte next = holds ? HOLDS : recovered ? RECOVERED : BAND;
        boolean pass;
        if (always || !synced || next != kind) {
            pass = true;
        } else if (!holds || forMs == 0) {
            pass = false; // the same verdict again: nothing after this stage changes
        } else if (runStart == NO_RUN || now - heldAt >= horizonMs) {
            pass = true; // starts HeldFor's next run (after one it let go stale, or one completed in older state)
            runStart = NO_RUN;
        } else if (runStart == MATCHED) {
            pass = now - heldAt >= refreshMs; // the run breached and goes on: only HeldFor's staleness clock to keep
        } else {
            pass = HeldForPattern.heldLongEnough(timestamp - runStart, forMs) || now - heldAt >= refreshMs;
        }
        // HeldFor's run, as it will see this sample (if passed on)
        if (!holds) {
            runStart = NO_RUN;
            synced = true; // a sample that does not hold ends every run, here and in HeldFor
        } else if (pass) {
            heldAt = now;
            if (forMs > 0) {
                if (runStart == NO_RUN) {
                    runStart = timestamp;
                } else if (runStart != MATCHED && HeldForPattern.heldLongEnough(timestamp - runStart, forMs)) {
                    runStart = MATCHED; // the run completes and breaches; it goes on without CEP until it breaks
                }
            }
        }
        kind = next;
        return pass;
    }
}
