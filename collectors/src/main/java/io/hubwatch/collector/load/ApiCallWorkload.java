package io.hubwatch.collector.load;

import io.hubwatch.events.ApiCallEvent;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Realistic API calls of an AI hub: four endpoints with their own share of traffic and speed, three models with
 * their prices, 200 users over 500 sessions, a share of server errors (500/502/503/504) and a few client errors
 * (400/401/429, which do not count as errors).
 *
 * <pre>{@code
 * ApiCallWorkload w = new ApiCallWorkload(7.0, LatencyDistribution.parse("lognormal:300:0.8"), 42);
 * ApiCallEvent call = w.next(System.currentTimeMillis());
 * }</pre>
 */
public final class ApiCallWorkload {
    private record Endpoint(String path, String method, double share, double speed, boolean usesModel) {}

    private record Model(String name, double pricePer1kPrompt, double pricePer1kCompletion) {}

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("/v1/chat/completions", "POST", 0.60, 1.0, true),
            new Endpoint("/v1/embeddings", "POST", 0.25, 0.2, true),
            new Endpoint("/v1/images/generations", "POST", 0.05, 4.0, true),
            new Endpoint("/v1/models", "GET", 0.10, 0.05, false));
    private static final List<Model> MODELS = List.of(
            new Model("gpt-4o", 0.0025, 0.01), new Model("claude-3-5-sonnet", 0.003, 0.015),
            new Model("llama-3-70b", 0.0006, 0.0008));
    private static final int[] SERVER_ERRORS = {500, 502, 503, 504};
    private static final int[] CLIENT_ERRORS = {400, 401, 429};

    private final double errorShare;
    private final LatencyDistribution latency;
    private final SplittableRandom random;

    /** @param errorRatePercent share of calls answered with a 5xx, 0..100 */
    public ApiCallWorkload(double errorRatePercent, LatencyDistribution latency, long seed) {
        if (errorRatePercent < 0 || errorRatePercent > 100) {
            throw new IllegalArgumentException("the error rate is a percentage 0..100, was " + errorRatePercent);
        }
        this.errorShare = errorRatePercent / 100;
        this.latency = latency;
        this.random = new SplittableRandom(seed);
    }

    public ApiCallEvent next(long timestamp) {
        Endpoint endpoint = pick();
        double roll = random.nextDouble();
        int status = roll < errorShare ? SERVER_ERRORS[random.nextInt(SERVER_ERRORS.length)]
                : roll < errorShare + 0.02 ? CLIENT_ERRORS[random.nextInt(CLIENT_ERRORS.length)]
                : endpoint.method.equals("POST") && endpoint.path.contains("images") ? 201 : 200;
        int user = random.nextInt(200);
        String model = null;
        long prompt = 0;
        long completion = 0;
        double cost = 0;
        if (endpoint.usesModel) {
            Model m = MODELS.get(random.nextInt(10) < 5 ? 0 : random.nextInt(10) < 6 ? 1 : 2);
            model = m.name;
            prompt = 50 + random.nextInt(2_000);
            completion = endpoint.path.contains("embeddings") || status >= 400 ? 0 : 20 + random.nextInt(800);
            cost = Math.round((prompt * m.pricePer1kPrompt + completion * m.pricePer1kCompletion) / 1000 * 1e6) / 1e6;
        }
        return new ApiCallEvent(timestamp, endpoint.path, endpoint.method, status,
                latency.sample(random, endpoint.speed), "user-" + user, "session-" + user + "-" + random.nextInt(3),
                model, prompt, completion, cost);
    }

    private Endpoint pick() {
        double r = random.nextDouble();
        for (Endpoint e : ENDPOINTS) {
            r -= e.share;
            if (r < 0) {
                return e;
            }
        }
        return ENDPOINTS.get(0);
    }
}
