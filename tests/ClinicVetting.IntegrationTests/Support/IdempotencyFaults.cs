using System.Collections.Concurrent;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.Vetting.Cases;
using Marten;
using Marten.Services;

namespace ClinicVetting.IntegrationTests.Support;

/// <summary>
/// Faults around Idempotency-Key handling, chosen by the key, to see what a crash or a slow first attempt at that point
/// leaves behind: a Marten listener on every session of the test host.
/// </summary>
public sealed class IdempotencyFaults : DocumentSessionListenerBase
{
    /// <summary>Storing the key's answer fails once: the command committed, its answer was never recorded (a crash in between).</summary>
    public const string CrashBeforeCompletion = "crash-before-completion-";

    /// <summary>A transaction recording evidence with this reference commits, then its SaveChanges throws: the endpoint fails after the commit.</summary>
    public const string FailAfterCommit = "fail-after-commit-";

    private static readonly ConcurrentDictionary<string, HeldCommit> Held = new();
    private static readonly ConcurrentDictionary<string, bool> Crashed = new();

    /// <summary>The first transaction that records evidence with this reference waits, just before it commits, until released.</summary>
    public static HeldCommit HoldFirstCommitOfEvidence(string reference) => Held[reference] = new HeldCommit();

    public override void DocumentAddedForStorage(object id, object document)
    {
        if (document is IdempotencyRecord { CompletedAt: not null } record && KeyOf(record.Id).StartsWith(CrashBeforeCompletion, StringComparison.Ordinal)
            && Crashed.TryAdd(record.Id, true))
        {
            throw new InvalidOperationException("Simulated crash: the process died after the command committed, before its answer was stored.");
        }
    }

    public override async Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var evidence = session.PendingChanges.Streams().SelectMany(x => x.Events).Select(x => x.Data).OfType<EvidenceRecorded>();
        foreach (var recorded in evidence)
        {
            if (Held.TryRemove(recorded.Evidence.Reference, out var held))
            {
                held.Reached.TrySetResult();
                await held.Released.Task.WaitAsync(TimeSpan.FromSeconds(30), token);
            }
        }
    }

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) =>
        commit.GetEvents().Select(x => x.Data).OfType<EvidenceRecorded>().Any(x => x.Evidence.Reference.StartsWith(FailAfterCommit, StringComparison.Ordinal))
            ? throw new InvalidOperationException("Simulated failure after the command's transaction committed.")
            : Task.CompletedTask;

    private static string KeyOf(string recordId) => recordId[(recordId.IndexOf(':') + 1)..];
}

public sealed class HeldCommit
{
    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
