using System.Data;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.ReferenceData;
using Npgsql;

namespace ClinicVetting.Ranking;

/// <summary>The ranking's inputs as of one position of the event log, and that position.</summary>
public sealed record RankingSnapshot(long LogPosition, long PolicyVersion, RankingPolicy Policy, IReadOnlyList<ClinicRankingInput> Inputs);

/// <summary>
/// Reads every clinic's documents and the event log's high-water sequence as one consistent instant: the events table is
/// locked against new appends for the length of the read (SHARE mode waits for in-flight appends to commit), so the inline
/// documents are exactly the fold of the events up to the recorded position and a replay from the events finds the same.
/// </summary>
public sealed class RankingSnapshotReader(IDocumentStore store)
{
    public async Task<RankingSnapshot> Read(CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellation);

        var events = $"{store.Options.Events.DatabaseSchemaName}.mt_events";
        await using (var lockEvents = new NpgsqlCommand($"lock table {events} in share mode", connection, transaction))
        {
            await lockEvents.ExecuteNonQueryAsync(cancellation);
        }

        long position;
        await using (var highWater = new NpgsqlCommand($"select coalesce(max(seq_id), 0) from {events}", connection, transaction))
        {
            position = (long)(await highWater.ExecuteScalarAsync(cancellation))!;
        }

        await using var session = store.QuerySession(Marten.Services.SessionOptions.ForTransaction(transaction));
        var policy = await session.LoadAsync<CurrentRankingPolicy>(CurrentRankingPolicy.StreamId, cancellation) ?? new CurrentRankingPolicy();
        var regulators = await session.LoadAsync<RegulatorDirectory>(RegulatorDirectory.StreamId, cancellation) ?? new RegulatorDirectory();
        var clinics = await session.Query<ClinicProfile>().ToListAsync(cancellation);
        var standings = (await session.Query<ClinicStanding>().ToListAsync(cancellation)).ToDictionary(x => x.Id);
        var claims = (await session.Query<ClinicClaims>().ToListAsync(cancellation)).ToDictionary(x => x.Id);
        var efficiency = (await session.Query<ClinicEfficiency>().ToListAsync(cancellation)).ToDictionary(x => x.Id);
        var reviews = (await session.Query<Review>()
                .Where(x => x.Status == ReviewStatus.Published && x.Verified)
                .Select(x => new CountedReview(x.ClinicId, x.Rating, x.WrittenAt))
                .ToListAsync(cancellation))
            .GroupBy(x => x.ClinicId)
            .ToDictionary(x => x.Key, x => new ReviewFacts(StarCounts.Of(x.Select(r => r.Rating)), x.Max(r => r.WrittenAt)));
        await transaction.CommitAsync(cancellation);

        var inputs = clinics.Select(clinic => ClinicRankingInput.From(clinic, standings.GetValueOrDefault(clinic.Id), claims.GetValueOrDefault(clinic.Id), efficiency.GetValueOrDefault(clinic.Id),
            reviews.GetValueOrDefault(clinic.Id, ReviewFacts.None), regulators)).ToList();
        return new RankingSnapshot(position, policy.Version, policy.Policy, inputs);
    }
}

internal sealed record CountedReview(Guid ClinicId, int Rating, DateTimeOffset WrittenAt);
