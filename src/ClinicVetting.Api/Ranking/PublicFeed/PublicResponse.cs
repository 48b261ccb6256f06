using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace ClinicVetting.Ranking.PublicFeed;

/// <summary>A serialized public answer and its strong ETag (a hash of the bytes).</summary>
public sealed record CachedBody(byte[] Bytes, string ContentType, string ETag)
{
    public static CachedBody Of(byte[] bytes, string contentType) =>
        new(bytes, contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"");
}

/// <summary>
/// The public feed's bodies, serialized once per version of what they come from (the last event the projection applied,
/// an edition's number): a read is a dictionary look-up and a byte copy, and If-None-Match a string comparison.
/// </summary>
public sealed class PublicFeedCache
{
    private readonly ConcurrentDictionary<string, (string Version, CachedBody Body)> _bodies = new();

    public async ValueTask<CachedBody> GetOrBuild(string key, string version, Func<Task<CachedBody>> build)
    {
        if (_bodies.TryGetValue(key, out var cached) && cached.Version == version)
        {
            return cached.Body;
        }

        var body = await build();
        _bodies[key] = (version, body);
        return body;
    }
}

/// <summary>200 with the body, or 304 when the caller already holds it; cacheable by a CDN either way.</summary>
public sealed class PublicResult(CachedBody body, string cacheControl = PublicResult.DefaultCacheControl) : IResult
{
    public const string DefaultCacheControl = "public, max-age=60, s-maxage=300, stale-while-revalidate=600";

    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.Headers.ETag = body.ETag;
        http.Response.Headers.CacheControl = cacheControl;
        http.Response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (http.Request.Headers.IfNoneMatch.Any(x => x is not null && (x == "*" || x.Split(',').Any(tag => tag.Trim() == body.ETag))))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = body.ContentType;
        http.Response.ContentLength = body.Bytes.Length;
        await http.Response.Body.WriteAsync(body.Bytes, http.RequestAborted);
    }
}

/// <summary>
/// Which revision of the public ranking is current, asked of the database at most once per interval however many
/// requests come (the public feed's only database work on the hot path). The interval bounds how late a change shows.
/// </summary>
public sealed class PublicRankingRevision(IDocumentStore store, PublicFeedOptions options)
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (Guid? Id, long CheckedAt, bool Known) _current;

    public async ValueTask<Guid?> Current(CancellationToken cancellation)
    {
        var current = _current;
        if (current.Known && Stopwatch.GetElapsedTime(current.CheckedAt).TotalMilliseconds < options.RevisionCheckMilliseconds)
        {
            return current.Id;
        }

        // One request refreshes; the others answer with what was current a moment ago.
        if (current.Known && !await _refresh.WaitAsync(0, cancellation))
        {
            return current.Id;
        }

        if (!current.Known)
        {
            await _refresh.WaitAsync(cancellation);
        }

        try
        {
            await using var session = store.QuerySession();
            var ids = await session.Query<PublicRanking>().Where(x => x.Id == PublicRanking.CurrentId).Select(x => x.LastEventId).ToListAsync(cancellation);
            _current = (ids.Count == 0 ? null : ids[0], Stopwatch.GetTimestamp(), true);
            return _current.Id;
        }
        finally
        {
            _refresh.Release();
        }
    }
}
