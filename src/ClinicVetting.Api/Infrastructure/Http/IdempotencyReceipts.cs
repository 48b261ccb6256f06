using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Wolverine.Runtime.Handlers;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>
/// What a command sent under an Idempotency-Key committed, written in the command's own transaction: it exists if and
/// only if the command's events and documents do. Its id is the key's, so a second execution under one key cannot
/// commit (the insert collides and the whole transaction rolls back).
/// </summary>
public sealed class IdempotencyReceipt
{
    /// <summary>"{caller}:{key}", as <see cref="IdempotencyRecord.Id"/>.</summary>
    public string Id { get; set; } = "";
    public string RequestHash { get; set; } = "";

    /// <summary>The attempt that committed (<see cref="IdempotencyRecord.Attempt"/>).</summary>
    public Guid Attempt { get; set; }

    public DateTimeOffset CommittedAt { get; set; }

    /// <summary>What the handler answered, from which the endpoint rebuilds the same HTTP answer.</summary>
    public JsonElement? Result { get; set; }
}

/// <summary>
/// The key of the request being served, carried from the HTTP middleware into the handler the endpoint invokes (same
/// async flow). Only the first handler to start under it owns it: cascaded and nested messages never do.
/// </summary>
internal sealed class IdempotencyScope : IDisposable
{
    private static readonly AsyncLocal<IdempotencyScope?> Ambient = new();
    private object? _owner;
    private volatile bool _closed;

    private IdempotencyScope(string keyId, string requestHash, Guid attempt, bool isReplay, JsonElement? replay)
    {
        KeyId = keyId;
        RequestHash = requestHash;
        Attempt = attempt;
        IsReplay = isReplay;
        Replay = replay;
    }

    public static IdempotencyScope? Current => Ambient.Value is { _closed: false } scope ? scope : null;

    public string KeyId { get; }
    public string RequestHash { get; }
    public Guid Attempt { get; }

    /// <summary>The command already committed: the handler is not run, <see cref="Replay"/> is its answer.</summary>
    public bool IsReplay { get; }

    public JsonElement? Replay { get; }

    /// <summary>Whether the endpoint reached the handler and was given the committed answer.</summary>
    public bool Replayed { get; set; }

    public static IdempotencyScope Run(IdempotencyRecord attempt) =>
        Ambient.Value = new IdempotencyScope(attempt.Id, attempt.RequestHash, attempt.Attempt, false, null);

    public static IdempotencyScope Answer(IdempotencyReceipt receipt) =>
        Ambient.Value = new IdempotencyScope(receipt.Id, receipt.RequestHash, receipt.Attempt, true, receipt.Result);

    /// <summary>True for the message the endpoint invoked (and its retries after a lost race), false for any other.</summary>
    public bool IsOwnedBy(object message)
    {
        Interlocked.CompareExchange(ref _owner, message, null);
        return ReferenceEquals(_owner, message);
    }

    public void Dispose()
    {
        _closed = true;
        Ambient.Value = null;
    }
}

/// <summary>
/// Wolverine middleware on every handler of the application that writes (takes an IDocumentSession): records the
/// receipt in the handler's transaction, or, when the command already committed under the key, skips the handler and
/// answers with what it committed.
/// </summary>
public static class IdempotencyReceipts
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Configure(WolverineOptions opts)
    {
        InvokedResponse.EnsureAvailable();
        opts.Policies.AddMiddleware(typeof(IdempotencyReceipts), chain => chain.Handlers.Any(handler =>
            handler.HandlerType.Assembly == typeof(IdempotencyReceipts).Assembly
            && handler.Method.GetParameters().Any(parameter => parameter.ParameterType == typeof(IDocumentSession))));
    }

    public static HandlerContinuation Before(Envelope envelope)
    {
        // Claimed here, when the handler starts, so a message the handler itself invokes never owns the key.
        if (IdempotencyScope.Current is not { } scope || !scope.IsOwnedBy(envelope.Message!) || !scope.IsReplay)
        {
            return HandlerContinuation.Continue;
        }

        var expected = InvokedResponse.ExpectedType(envelope);
        InvokedResponse.Set(envelope, expected is not null && scope.Replay is { } replay ? replay.Deserialize(expected, Json) : null);
        scope.Replayed = true;
        return HandlerContinuation.Stop;
    }

    public static void After(Envelope envelope, IDocumentSession session, TimeProvider clock)
    {
        if (IdempotencyScope.Current is not { IsReplay: false } scope || !scope.IsOwnedBy(envelope.Message!))
        {
            return;
        }

        session.Insert(new IdempotencyReceipt
        {
            Id = scope.KeyId,
            RequestHash = scope.RequestHash,
            Attempt = scope.Attempt,
            CommittedAt = clock.GetUtcNow(),
            Result = InvokedResponse.Of(envelope) is { } answer ? JsonSerializer.SerializeToElement(answer, answer.GetType(), Json) : null,
        });
    }
}

/// <summary>
/// What <c>bus.InvokeAsync&lt;T&gt;</c> answers: Wolverine keeps T and the handler's answer on the envelope, in members it
/// does not make public. Checked at start-up, so a Wolverine version without them fails loudly instead of replaying nothing.
/// </summary>
internal static class InvokedResponse
{
    private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
    private static readonly PropertyInfo? TypeMember = typeof(Envelope).GetProperty("ResponseType", Internal);
    private static readonly PropertyInfo? ValueMember = typeof(Envelope).GetProperty("Response", Internal);

    public static void EnsureAvailable()
    {
        if (TypeMember?.PropertyType != typeof(Type) || ValueMember?.PropertyType != typeof(object) || !ValueMember.CanWrite)
        {
            throw new InvalidOperationException("This Wolverine version keeps no Envelope.ResponseType/Response: Idempotency-Key receipts cannot work.");
        }
    }

    public static Type? ExpectedType(Envelope envelope) => (Type?)TypeMember!.GetValue(envelope);

    public static object? Of(Envelope envelope) => ValueMember!.GetValue(envelope);

    public static void Set(Envelope envelope, object? response) => ValueMember!.SetValue(envelope, response);
}
