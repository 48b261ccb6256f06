using System.Diagnostics;
using ClinicVetting.Infrastructure.Http;
using Npgsql;
using Wolverine.ErrorHandling;
using Wolverine.Runtime;

namespace ClinicVetting.Infrastructure.Messaging;

/// <summary>
/// A message whose handler fails because PostgreSQL is away (restarting, failing over) is kept and run again once the
/// database answers. Without it, Wolverine moves the message to its dead letters, which live in the same database: that
/// fails too, and the message is left owned by this node and run by no one (docs/operations.md, "A message running at the
/// instant PostgreSQL stops").
/// </summary>
public static class DatabaseOutages
{
    /// <summary>Runs a message may have that each failed for the database; past them, the database answers and it is a dead letter.</summary>
    public const int MaximumRuns = 10;

    public static void Configure(WolverineOptions opts)
    {
        // Not an IInlineContinuation: InvokeAsync (every HTTP endpoint) rethrows at once and the caller gets its 503 with Retry-After.
        var wait = new WaitForTheDatabaseThenRunAgain();
        var runs = opts.OnException(DatabaseUnavailable.IsCause, "PostgreSQL unavailable").ContinueWith(wait);
        for (var run = 2; run < MaximumRuns; run++)
        {
            runs = runs.Then.ContinueWith(wait);
        }

        runs.Then.MoveToErrorQueue();
    }
}

/// <summary>
/// Holds the failed message in its worker (its inbox row stays owned by this node, so a node that dies meanwhile leaves it
/// to the survivors) until PostgreSQL answers, then runs it again in place. Scheduling a retry or moving it to the dead
/// letters would need the very database that is away.
/// </summary>
public sealed class WaitForTheDatabaseThenRunAgain : IContinuationSource, IContinuation
{
    public static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(5);

    public string Description => "Wait until PostgreSQL answers, then run the message again";

    public IContinuation Build(Exception ex, Envelope envelope) => this;

    public async ValueTask ExecuteAsync(IEnvelopeLifecycle lifecycle, IWolverineRuntime runtime, DateTimeOffset now, Activity? activity)
    {
        var envelope = lifecycle.Envelope!;
        var logger = runtime.LoggerFactory.CreateLogger<WaitForTheDatabaseThenRunAgain>();
        logger.LogWarning("{MessageType} {EnvelopeId} failed because PostgreSQL is unavailable (run {Attempt} of at most {Maximum}); it runs again once the database answers",
            envelope.MessageType, envelope.Id, envelope.Attempts, DatabaseOutages.MaximumRuns);

        var store = runtime.Services.GetRequiredService<IDocumentStore>();
        var cancellation = runtime.Cancellation;
        var wait = TimeSpan.FromMilliseconds(250);
        var away = Stopwatch.StartNew();
        while (!await Answers(store, cancellation))
        {
            await Task.Delay(wait, cancellation);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestPoll.Ticks));
        }

        logger.LogInformation("PostgreSQL answers again after {Seconds:F1} s: running {MessageType} {EnvelopeId} again", away.Elapsed.TotalSeconds,
            envelope.MessageType, envelope.Id);
        await lifecycle.RetryExecutionNowAsync();
    }

    private static async Task<bool> Answers(IDocumentStore store, CancellationToken cancellation)
    {
        try
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(cancellation);
            await using var ping = new NpgsqlCommand("select 1", connection);
            await ping.ExecuteScalarAsync(cancellation);
            return true;
        }
        catch (Exception e) when (DatabaseUnavailable.IsCause(e))
        {
            return false;
        }
    }
}
