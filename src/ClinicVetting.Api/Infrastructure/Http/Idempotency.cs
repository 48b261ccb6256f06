using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using ClinicVetting.Infrastructure.Hosting;
using JasperFx;
using Microsoft.Net.Http.Headers;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>What a POST with an Idempotency-Key answered, so a retry gets the same answer and writes nothing.</summary>
public sealed class IdempotencyRecord
{
    /// <summary>"{caller}:{key}": keys are scoped to the caller that sent them.</summary>
    public string Id { get; set; } = "";
    public string RequestHash { get; set; } = "";

    /// <summary>The attempt that holds the key: a takeover replaces it, a release deletes only its own.</summary>
    public Guid Attempt { get; set; }

    /// <summary>The node running the attempt (<see cref="NodePresence.Number"/>); null when it had none.</summary>
    public int? Node { get; set; }

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
    public static void Configure(StoreOptions opts)
    {
        opts.Schema.For<IdempotencyRecord>().DocumentAlias("idempotency_record");
        opts.Schema.For<IdempotencyReceipt>().DocumentAlias("idempotency_receipt");
    }
}

/// <summary>
/// Idempotency-Key on POST (IETF draft "The Idempotency-Key HTTP Header Field"): the first request reserves the key,
/// a retry with the same body gets the first answer and writes nothing, the same key with another body is a 422, and a
/// retry while the first still runs on a live node is a 409 with a truthful Retry-After. Keys live for a day. Only
/// successes are kept: a refused request wrote nothing, so its key is released and the caller may correct and retry.
/// <para>
/// A command under a key commits an <see cref="IdempotencyReceipt"/> in its own transaction, so whatever dies when, a
/// retry finds either the stored answer, or the receipt (the endpoint runs again with the handler answered from it:
/// the same status, headers and body, nothing written), or nothing committed at all (then it may run, once the first
/// attempt's node is gone or the attempt is older than <see cref="AbandonedAfter"/>).
/// </para>
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IDocumentStore store, TimeProvider clock, NodePresence presence)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    internal static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>A first attempt that has not committed by then is taken over even when its node still runs.</summary>
    internal static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    /// <summary>A keyed request on a live node answers well within this; older and uncommitted, it is likely stuck.</summary>
    internal static readonly TimeSpan NormallyAnsweredWithin = TimeSpan.FromSeconds(10);

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

        // Each round reads the key's state and acts on it; losing a race to reserve it means reading again.
        for (var round = 1; ; round++)
        {
            var now = clock.GetUtcNow();
            IdempotencyRecord? existing;
            await using (var query = store.QuerySession())
            {
                existing = await query.LoadAsync<IdempotencyRecord>(id, http.RequestAborted);
            }

            if (existing is not null && !Expired(existing, now))
            {
                if (existing.RequestHash != hash)
                {
                    await KeyReused(http);
                    return;
                }

                if (existing.CompletedAt is not null)
                {
                    await AnswerStored(http, existing);
                    return;
                }

                if (await LoadReceipt(id) is { } receipt)
                {
                    await AnswerFromReceipt(http, existing, receipt, Headers(http.Response), thisAttempt: null);
                    return;
                }

                if (now - existing.StartedAt < AbandonedAfter && await presence.IsAlive(existing.Node, http.RequestAborted))
                {
                    await StillRunning(http, now - existing.StartedAt);
                    return;
                }
            }

            var attempt = new IdempotencyRecord
            {
                Id = id, RequestHash = hash, Attempt = Guid.NewGuid(), Node = presence.Number, StartedAt = now,
            };
            if (await TryReserve(attempt, replacing: existing, now))
            {
                await RunAndRecord(http, attempt);
                return;
            }

            if (round == 3)
            {
                await StillRunning(http, TimeSpan.Zero);
                return;
            }
        }
    }

    private static bool Expired(IdempotencyRecord record, DateTimeOffset now) => now - (record.CompletedAt ?? record.StartedAt) > Retention;

    /// <summary>Takes a new key, or one from an abandoned attempt or an expired life, in one transaction; false if another request was faster.</summary>
    private async Task<bool> TryReserve(IdempotencyRecord attempt, IdempotencyRecord? replacing, DateTimeOffset now)
    {
        await using var session = store.LightweightSession();
        if (replacing is not null)
        {
            session.DeleteWhere<IdempotencyRecord>(x => x.Id == replacing.Id && x.Attempt == replacing.Attempt);
            // An expired key starts a new life without its old receipt. An abandoned attempt's receipt, committed since
            // it was looked for, must stay: it is what keeps this attempt from committing a second time.
            if (Expired(replacing, now))
            {
                session.DeleteWhere<IdempotencyReceipt>(x => x.Id == replacing.Id);
            }
        }

        session.Insert(attempt);
        try
        {
            await session.SaveChangesAsync(CancellationToken.None);
            return true;
        }
        catch (DocumentAlreadyExistsException)
        {
            return false;
        }
    }

    private async Task RunAndRecord(HttpContext http, IdempotencyRecord attempt)
    {
        var headers = Headers(http.Response);
        var (body, failure) = await Capture(http, IdempotencyScope.Run(attempt));
        if (failure is null && IsSuccess(http.Response.StatusCode))
        {
            // Recorded before the caller sees the answer, so an immediate retry finds it complete.
            await Complete(http, attempt, body);
            await Send(http, body);
            return;
        }

        // It committed and then failed, or another attempt committed first: the answer is the committed one.
        if (await LoadReceipt(attempt.Id) is { } receipt)
        {
            await AnswerFromReceipt(http, attempt, receipt, headers, thisAttempt: attempt.Attempt);
            return;
        }

        await Release(attempt);
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        await Send(http, body);
    }

    /// <summary>Runs the endpoint again with its handler answered from the receipt: the committed answer, rebuilt, nothing written.</summary>
    private async Task AnswerFromReceipt(HttpContext http, IdempotencyRecord record, IdempotencyReceipt receipt,
        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> headers, Guid? thisAttempt)
    {
        RestoreHeaders(http.Response, headers);
        using var scope = IdempotencyScope.Answer(receipt);
        var (body, failure) = await Capture(http, scope);
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        if (scope.Replayed)
        {
            // Replayed, unless this very request committed it and failed afterwards.
            if (receipt.Attempt != thisAttempt)
            {
                http.Response.Headers[ReplayedHeader] = "true";
            }

            if (IsSuccess(http.Response.StatusCode))
            {
                await Complete(http, record, body);
            }
        }

        await Send(http, body);
    }

    private async Task<(MemoryStream Body, Exception? Failure)> Capture(HttpContext http, IdempotencyScope scope)
    {
        var original = http.Response.Body;
        var captured = new MemoryStream();
        http.Response.Body = captured;
        http.Request.Body.Position = 0;
        try
        {
            using (scope)
            {
                await next(http);
            }

            return (captured, null);
        }
        catch (Exception e)
        {
            return (captured, e);
        }
        finally
        {
            http.Response.Body = original;
        }
    }

    private static bool IsSuccess(int status) => status is >= 200 and < 300;

    private static async Task Send(HttpContext http, MemoryStream body)
    {
        body.Position = 0;
        await body.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    private static Dictionary<string, Microsoft.Extensions.Primitives.StringValues> Headers(HttpResponse response) =>
        response.Headers.ToDictionary(x => x.Key, x => x.Value, StringComparer.OrdinalIgnoreCase);

    private static void RestoreHeaders(HttpResponse response, Dictionary<string, Microsoft.Extensions.Primitives.StringValues> headers)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers.Clear();
        foreach (var (name, value) in headers)
        {
            response.Headers[name] = value;
        }
    }

    private async Task<IdempotencyReceipt?> LoadReceipt(string id)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<IdempotencyReceipt>(id, CancellationToken.None);
    }

    private async Task Complete(HttpContext http, IdempotencyRecord attempt, MemoryStream captured)
    {
        await using var session = store.LightweightSession();
        session.Store(new IdempotencyRecord
        {
            Id = attempt.Id,
            RequestHash = attempt.RequestHash,
            Attempt = attempt.Attempt,
            Node = attempt.Node,
            StartedAt = attempt.StartedAt,
            CompletedAt = clock.GetUtcNow(),
            Status = http.Response.StatusCode,
            ContentType = http.Response.ContentType,
            Location = http.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null,
            ETag = http.Response.Headers.ETag.ToString() is { Length: > 0 } etag ? etag : null,
            Body = captured.ToArray(),
        });
        await session.SaveChangesAsync(CancellationToken.None);
    }

    private async Task Release(IdempotencyRecord attempt)
    {
        await using var session = store.LightweightSession();
        session.DeleteWhere<IdempotencyRecord>(x => x.Id == attempt.Id && x.Attempt == attempt.Attempt);
        await session.SaveChangesAsync(CancellationToken.None);
    }

    private static Task KeyReused(HttpContext http) =>
        Problems.Write(http, Problems.Create(422, "Idempotency-Key reused with a different request",
            "This key already belongs to a request with another method, path or body. Use a new key.",
            "idempotency-key-reused"));

    /// <summary>
    /// The first attempt has not committed and its node still runs: normally it answers within seconds; one that has not
    /// for longer is likely stuck, and a retry takes over once it counts as abandoned.
    /// </summary>
    private static Task StillRunning(HttpContext http, TimeSpan age)
    {
        var wait = age < NormallyAnsweredWithin ? TimeSpan.FromSeconds(1) : AbandonedAfter - age;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Write(http, Problems.Create(409, "The first request with this Idempotency-Key is still running",
            age < NormallyAnsweredWithin
                ? "Retry in a moment to get its answer."
                : $"It has not committed yet. Retry in {seconds} s: if it still has not, the retry runs it.",
            "idempotency-key-in-flight"));
    }

    private static async Task AnswerStored(HttpContext http, IdempotencyRecord record)
    {
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
