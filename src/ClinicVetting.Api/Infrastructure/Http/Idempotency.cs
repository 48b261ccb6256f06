using System.Security.Cryptography;
using JasperFx;
using Marten;
using Microsoft.Net.Http.Headers;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>What a POST with an Idempotency-Key answered, so a retry gets the same answer and writes nothing.</summary>
public sealed class IdempotencyRecord
{
    /// <summary>"{caller}:{key}": keys are scoped to the caller that sent them.</summary>
    public string Id { get; set; } = "";
    public string RequestHash { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public int Status { get; set; }
    public string? ContentType { get; set; }
    public string? Location { get; set; }
    public string? ETag { get; set; }
    public byte[]? Body { get; set; }
}

/// <summary>Endpoints that are idempotent by their own means (a streaming import) skip the key handling.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class WithoutIdempotencyKeyAttribute : Attribute;

public static class IdempotencyStore
{
    public static void Configure(StoreOptions opts) =>
        opts.Schema.For<IdempotencyRecord>().DocumentAlias("idempotency_record");
}

/// <summary>
/// Idempotency-Key on POST (IETF draft "The Idempotency-Key HTTP Header Field"): the first request reserves the key,
/// a retry with the same body replays the stored answer, the same key with another body is a 422, and a retry
/// while the first is still running is a 409. Keys live for a day. Only successes are kept: a refused request
/// wrote nothing, so its key is released and the caller may correct the request and retry with it.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IDocumentStore store, TimeProvider clock)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);
    private const int MaxBufferedBody = 4 * 1024 * 1024;

    public async Task InvokeAsync(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method)
            || !http.Request.Headers.TryGetValue(Header, out var values)
            || http.User.Identity?.IsAuthenticated != true
            || http.GetEndpoint()?.Metadata.GetMetadata<WithoutIdempotencyKeyAttribute>() is not null)
        {
            await next(http);
            return;
        }

        var key = values.ToString();
        if (key.Length is 0 or > 255 || key.Any(c => c is < '!' or > '~'))
        {
            await Problems.Write(http, Problems.Validation(new Dictionary<string, string[]>
            {
                [Header] = ["must be 1 to 255 visible ASCII characters"],
            }));
            return;
        }

        var id = $"{http.User.Identity.Name}:{key}";
        var hash = await HashRequest(http);
        var now = clock.GetUtcNow();

        await using (var session = store.LightweightSession())
        {
            var existing = await session.LoadAsync<IdempotencyRecord>(id, http.RequestAborted);
            if (existing is not null && !Reusable(existing, now))
            {
                await Answer(http, existing, hash);
                return;
            }

            var reservation = new IdempotencyRecord { Id = id, RequestHash = hash, StartedAt = now };
            if (existing is null)
            {
                session.Insert(reservation);
            }
            else
            {
                session.Update(reservation);
            }

            try
            {
                await session.SaveChangesAsync(http.RequestAborted);
            }
            catch (DocumentAlreadyExistsException)
            {
                await using var reread = store.QuerySession();
                var winner = await reread.LoadAsync<IdempotencyRecord>(id, http.RequestAborted);
                await Answer(http, winner!, hash);
                return;
            }
        }

        await RunAndRecord(http, id, hash);
    }

    private bool Reusable(IdempotencyRecord record, DateTimeOffset now) =>
        now - record.StartedAt > Retention || (record.CompletedAt is null && now - record.StartedAt > AbandonedAfter);

    private async Task RunAndRecord(HttpContext http, string id, string hash)
    {
        var original = http.Response.Body;
        using var captured = new MemoryStream();
        http.Response.Body = captured;
        try
        {
            await next(http);
        }
        catch
        {
            await Release(id);
            throw;
        }
        finally
        {
            http.Response.Body = original;
        }

        // Recorded before the caller sees the answer, so an immediate retry finds it complete.
        if (http.Response.StatusCode is >= 200 and < 300)
        {
            await Complete(http, id, hash, captured);
        }
        else
        {
            await Release(id);
        }

        captured.Position = 0;
        await captured.CopyToAsync(original, http.RequestAborted);
    }

    private async Task Complete(HttpContext http, string id, string hash, MemoryStream captured)
    {
        await using var session = store.LightweightSession();
        session.Store(new IdempotencyRecord
        {
            Id = id,
            RequestHash = hash,
            StartedAt = clock.GetUtcNow(),
            CompletedAt = clock.GetUtcNow(),
            Status = http.Response.StatusCode,
            ContentType = http.Response.ContentType,
            Location = http.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null,
            ETag = http.Response.Headers.ETag.ToString() is { Length: > 0 } etag ? etag : null,
            Body = captured.ToArray(),
        });
        await session.SaveChangesAsync(CancellationToken.None);
    }

    private async Task Release(string id)
    {
        await using var session = store.LightweightSession();
        session.Delete<IdempotencyRecord>(id);
        await session.SaveChangesAsync(CancellationToken.None);
    }

    private static async Task Answer(HttpContext http, IdempotencyRecord record, string hash)
    {
        if (record.RequestHash != hash)
        {
            await Problems.Write(http, Problems.Create(422, "Idempotency-Key reused with a different request",
                "This key already belongs to a request with another method, path or body. Use a new key.",
                "idempotency-key-reused"));
            return;
        }

        if (record.CompletedAt is null)
        {
            http.Response.Headers.RetryAfter = "1";
            await Problems.Write(http, Problems.Create(409, "The first request with this Idempotency-Key is still running",
                "Retry in a moment to get its answer.", "idempotency-key-in-flight"));
            return;
        }

        http.Response.StatusCode = record.Status;
        http.Response.Headers[ReplayedHeader] = "true";
        if (record.ContentType is not null) http.Response.ContentType = record.ContentType;
        if (record.Location is not null) http.Response.Headers.Location = record.Location;
        if (record.ETag is not null) http.Response.Headers[HeaderNames.ETag] = record.ETag;
        if (record.Body is { Length: > 0 }) await http.Response.Body.WriteAsync(record.Body, http.RequestAborted);
    }

    private static async Task<string> HashRequest(HttpContext http)
    {
        http.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: MaxBufferedBody);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{http.Request.Method} {http.Request.Path}{http.Request.QueryString}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
        {
            sha.AppendData(buffer, 0, read);
        }

        http.Request.Body.Position = 0;
        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
