package io.hubwatch.proxy.http;

import io.hubwatch.proxy.cache.CachedResponse;
import io.vertx.core.http.HttpClientResponse;

/**
 * The outcome of one upstream fetch, as shared by coalesced callers.
 *
 * @param response  the buffered response (stored or not), or null when streaming
 * @param stored    whether it went into the cache
 * @param shareable whether callers other than the one that fetched may be given it (false for private, Set-Cookie,
 *                  Vary'd or streamed responses: they fetch for themselves)
 * @param stream    a paused streamed upstream response, for the fetching caller only
 */
public record Fetched(CachedResponse response, boolean stored, boolean shareable, HttpClientResponse stream) {

    public boolean serverError() {
        return response != null && response.status >= 500;
    }
}
