using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace ClinicVetting.Ranking.PublicFeed;

/// <summary>
/// A serialized public answer and its strong ETag (a hash of the bytes), the identity representation; its brotli and gzip
/// representations are compressed once, by the first request that asks for each (none below <see cref="PublicEncodings.MinimumLength"/>
/// bytes, or when compressing would not make it smaller), and kept with it for as long as the answer is.
/// </summary>
public sealed class CachedBody(byte[] bytes, string contentType, string etag)
{
    private readonly Lazy<Representation?> _brotli = new(() => Compressed(bytes, etag, PublicEncodings.Brotli, PublicEncodings.CompressBrotli));
    private readonly Lazy<Representation?> _gzip = new(() => Compressed(bytes, etag, PublicEncodings.Gzip, PublicEncodings.CompressGzip));

    public byte[] Bytes { get; } = bytes;

    public string ContentType { get; } = contentType;

    /// <summary>The identity representation's ETag.</summary>
    public string ETag { get; } = etag;

    public Representation Identity { get; } = new(bytes, null, etag);

    /// <summary>The brotli representation, compressed on first use; null when the body is too small or would not shrink.</summary>
    public Representation? Brotli => _brotli.Value;

    /// <summary>The gzip representation, compressed on first use; null when the body is too small or would not shrink.</summary>
    public Representation? Gzip => _gzip.Value;

    public static CachedBody Of(byte[] bytes, string contentType) =>
        new(bytes, contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"");

    private static Representation? Compressed(byte[] bytes, string etag, string coding, Func<byte[], byte[]?> compress) =>
        bytes.Length >= PublicEncodings.MinimumLength && compress(bytes) is { } compressed
            ? new Representation(compressed, coding, PublicEncodings.ETagFor(etag, coding))
            : null;

    /// <summary>
    /// The representation a request gets by its Accept-Encoding: the acceptable one of highest weight, brotli before gzip before
    /// identity at equal weight; identity without the header (or an empty one), below the minimum length, and when nothing the feed
    /// has is acceptable (RFC 9110 12.5.3 lets a server disregard the header rather than answer 406; the status stays as it was).
    /// </summary>
    public Representation For(StringValues acceptEncoding)
    {
        if (Bytes.Length < PublicEncodings.MinimumLength || PublicEncodings.Parse(acceptEncoding) is not { } accepted)
        {
            return Identity;
        }

        Representation? best = null;
        var bestWeight = 0;
        if (accepted.BrotliWeight > 0 && Brotli is { } brotli)
        {
            (best, bestWeight) = (brotli, accepted.BrotliWeight);
        }

        if (accepted.GzipWeight > bestWeight && Gzip is { } gzip)
        {
            (best, bestWeight) = (gzip, accepted.GzipWeight);
        }

        return best is not null && (bestWeight >= accepted.IdentityWeight || !accepted.IdentityAcceptable) ? best : Identity;
    }
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

    /// <summary>
    /// The representation chosen by Accept-Encoding, with its own ETag; If-None-Match is compared with that ETag only (a strong
    /// validator is per representation: a client holding the identity answer that now asks for brotli gets the brotli answer, 200).
    /// </summary>
    public async Task ExecuteAsync(HttpContext http)
    {
        var representation = body.For(http.Request.Headers.AcceptEncoding);
        http.Response.Headers.ETag = representation.ETag;
        http.Response.Headers.CacheControl = cacheControl;
        http.Response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (Matches(http.Request.Headers.IfNoneMatch, representation.ETag))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = body.ContentType;
        if (representation.ContentEncoding is { } coding)
        {
            http.Response.Headers.ContentEncoding = coding;
        }

        http.Response.ContentLength = representation.Bytes.Length;
        await http.Response.Body.WriteAsync(representation.Bytes, http.RequestAborted);
    }

    /// <summary>
    /// Whether If-None-Match names this ETag: a value that is "*", or any of a value's comma-separated tags, trimmed, equal to
    /// it (ordinal). Read in place, without splitting the header into strings (it is on every request of the feed).
    /// </summary>
    public static bool Matches(StringValues ifNoneMatch, string etag)
    {
        foreach (var value in ifNoneMatch)
        {
            if (value is null)
            {
                continue;
            }

            if (value == "*")
            {
                return true;
            }

            var rest = value.AsSpan();
            while (true)
            {
                var comma = rest.IndexOf(',');
                var tag = (comma < 0 ? rest : rest[..comma]).Trim();
                // Weak comparison (RFC 9110 13.1.3, which If-None-Match uses): W/"x" names the same answer as "x". A CDN that
                // re-encodes an answer may weaken its ETag and revalidate with it.
                if (tag.StartsWith("W/", StringComparison.Ordinal))
                {
                    tag = tag[2..];
                }

                if (tag.SequenceEqual(etag))
                {
                    return true;
                }

                if (comma < 0)
                {
                    break;
                }

                rest = rest[(comma + 1)..];
            }
        }

        return false;
    }
}

/// <summary>
/// Which revision of the public ranking is current, asked of the database at most once per interval however many
/// requests come (the public feed's only database work on the hot path). The interval bounds how late a change shows.
/// </summary>
public sealed class PublicRankingRevision(IDocumentStore store, PublicFeedOptions options)
{
    /// <summary>What the last check found and when; replaced whole, so a reader never sees one check's id with another's time.</summary>
    private sealed record LastCheck(Guid? Id, long At);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile LastCheck? _current;

    public async ValueTask<Guid?> Current(CancellationToken cancellation)
    {
        var current = _current;
        if (current is not null && Stopwatch.GetElapsedTime(current.At).TotalMilliseconds < options.RevisionCheckMilliseconds)
        {
            return current.Id;
        }

        // One request refreshes; the others answer with what was current a moment ago.
        if (current is not null && !await _refresh.WaitAsync(0, cancellation))
        {
            return current.Id;
        }

        if (current is null)
        {
            await _refresh.WaitAsync(cancellation);
        }

        try
        {
            await using var session = store.QuerySession();
            var rows = await session.Query<PublicRanking>().Where(x => x.Id == PublicRanking.CurrentId)
                .Select(x => new RevisionFacts { LastEventId = x.LastEventId, Sponsored = x.Sponsored }).ToListAsync(cancellation);
            var found = new LastCheck(rows.Count == 0 ? null : Revision(rows[0].LastEventId, rows[0].Sponsored, DateTimeOffset.UtcNow),
                Stopwatch.GetTimestamp());
            _current = found;
            return found.Id;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>
    /// The revision the public answers are kept by: the ranking's last event, and how many sponsored placements' starts and
    /// ends have passed. A placement starts and ends with no event, so without the second an answer made before its end
    /// would keep showing it until the next event (a "Sponsored" label the public sees after the paid period).
    /// </summary>
    public static Guid Revision(Guid lastEventId, IReadOnlyList<SponsoredPlacement>? sponsored, DateTimeOffset now)
    {
        var passed = 0;
        foreach (var placement in sponsored ?? [])
        {
            passed += (placement.From <= now ? 1 : 0) + (placement.Until <= now ? 1 : 0);
        }

        if (passed == 0)
        {
            return lastEventId;
        }

        Span<byte> bytes = stackalloc byte[16];
        lastEventId.TryWriteBytes(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[12..], BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]) ^ passed);
        return new Guid(bytes);
    }

    public sealed class RevisionFacts
    {
        public Guid LastEventId { get; set; }
        public List<SponsoredPlacement>? Sponsored { get; set; }
    }
}
