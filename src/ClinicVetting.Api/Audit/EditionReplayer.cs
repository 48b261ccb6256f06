using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClinicVetting.Ranking;
using JasperFx.Events;

namespace ClinicVetting.Audit;

public sealed record Difference(string List, Guid ClinicId, string Clinic, string Field, string? Published, string? Replayed);

public sealed record ClinicInputs(Guid ClinicId, string Name, IReadOnlyDictionary<string, List<EventRef>> EventsBehind);

/// <summary>An edition as published, recomputed from the events up to its log position under its policy version, compared.</summary>
public sealed record ReplayReport(
    int Edition,
    long LogPosition,
    long PolicyVersion,
    DateTimeOffset AsOf,
    bool Matches,
    string PublishedHash,
    string ReplayedHash,
    IReadOnlyList<Difference> Differences,
    bool ProposalMatches,
    IReadOnlyList<Difference> ProposalDifferences,
    long EventsRead,
    double Milliseconds,
    IReadOnlyList<ClinicInputs> Inputs);

/// <summary>What an edition was computed from, as recorded when it was published.</summary>
public sealed record PublishedEdition(RankingEditionPublished Edition, RankingProposal Proposal, RankingPolicy Policy);

public sealed class EditionReplayer(IDocumentStore store, LogReplayer replayer)
{
    public async Task<PublishedEdition?> Published(int number, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.FetchStreamAsync(RankingEditionCatalog.StreamId, version: number, token: cancellation);
        if (events.Count < number || number < 1 || events[number - 1].Data is not RankingEditionPublished edition)
        {
            return null;
        }

        var proposal = await session.Events.AggregateStreamAsync<RankingProposal>(edition.ProposalId, token: cancellation);
        var policy = await session.Events.AggregateStreamAsync<CurrentRankingPolicy>(CurrentRankingPolicy.StreamId, edition.PolicyVersion,
            token: cancellation);
        return new PublishedEdition(edition, proposal!, policy!.Policy);
    }

    public async Task<ReplayReport> Replay(PublishedEdition published, CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        var edition = published.Edition;
        var log = await replayer.ReplayTo(edition.LogPosition, cancellation);
        var computation = RankingCalculator.Rank(log.RankingInputs(), published.Policy, edition.AsOf);
        var lists = RankingLists.Build(computation, edition.Overrides, published.Policy.ListSize);
        if (edition.TieBreaks is null)
        {
            lists = RankingLists.WithoutTies(lists);
        }

        var differences = Compare(edition.Lists, lists).ToList();
        if (edition.TieBreaks is { } recorded && !recorded.SequenceEqual(published.Policy.TieBreaks))
        {
            differences.Add(new Difference("edition", Guid.Empty, $"edition {edition.Edition}", "tieBreaks", string.Join(", ", recorded),
                string.Join(", ", published.Policy.TieBreaks)));
        }

        var proposalDifferences = Compare(published.Proposal.Computation, computation);
        var listed = edition.Lists.Overall.Concat(edition.Lists.ByCondition.Values.SelectMany(x => x))
            .Concat(edition.Lists.ByCountry.Values.SelectMany(x => x)).Select(x => x.ClinicId).ToHashSet();
        var listedInLog = log.Clinics.Where(x => x.Value.Profile is { } p && listed.Contains(p.Id)).ToList();
        // The review events behind each listed clinic, read now: the fold kept only their sequence numbers.
        await replayer.CiteReviews(log, listedInLog.Select(x => x.Key), cancellation);
        var inputs = listedInLog
            .Select(x => new ClinicInputs(x.Key, x.Value.Profile!.Name, x.Value.EventsBehind))
            .OrderBy(x => x.Name, StringComparer.Ordinal)
            .ToList();

        return new ReplayReport(edition.Edition, edition.LogPosition, edition.PolicyVersion, edition.AsOf, differences.Count == 0,
            Canonical.Hash(edition.Lists), Canonical.Hash(lists), differences, proposalDifferences.Count == 0, proposalDifferences,
            log.EventsRead, watch.Elapsed.TotalMilliseconds, inputs);
    }

    /// <summary>Every list, rank by rank and field by field.</summary>
    public static IReadOnlyList<Difference> Compare(EditionLists published, EditionLists replayed)
    {
        var differences = new List<Difference>();
        foreach (var (key, left, right) in Pairs(published, replayed))
        {
            for (var i = 0; i < Math.Max(left.Count, right.Count); i++)
            {
                var a = i < left.Count ? left[i] : null;
                var b = i < right.Count ? right[i] : null;
                if (a?.ClinicId != b?.ClinicId)
                {
                    differences.Add(new Difference(key, a?.ClinicId ?? b!.ClinicId, a?.Name ?? b!.Name, $"rank {i + 1}", a?.Name, b?.Name));
                    continue;
                }

                void Field(string field, object? x, object? y)
                {
                    var published = Text(x);
                    var replayedValue = Text(y);
                    if (published != replayedValue) differences.Add(new Difference(key, a!.ClinicId, a.Name, field, published, replayedValue));
                }

                Field("score", a!.Score, b!.Score);
                Field("verifiedReviews", a.VerifiedReviews, b.VerifiedReviews);
                Field("reviewScore", a.ReviewScore, b.ReviewScore);
                Field("verifiedAccreditations", string.Join(", ", a.VerifiedAccreditations), string.Join(", ", b.VerifiedAccreditations));
                Field("bestFor", string.Join(", ", a.BestFor), string.Join(", ", b.BestFor));
                Field("priceRange", a.PriceRange, b.PriceRange);
                Field("name", a.Name, b.Name);
                Field("override", a.Override, b.Override);
                Field("tiedWith", Ties(a.TiedWith), Ties(b.TiedWith));
                foreach (var factor in a.Factors.Select(x => x.Factor).Union(b.Factors.Select(x => x.Factor)))
                {
                    Field($"{factor}.value", a.Factors.FirstOrDefault(x => x.Factor == factor)?.Value, b.Factors.FirstOrDefault(x => x.Factor == factor)?.Value);
                    Field($"{factor}.share", a.Factors.FirstOrDefault(x => x.Factor == factor)?.Share, b.Factors.FirstOrDefault(x => x.Factor == factor)?.Share);
                }
            }
        }

        return differences;
    }

    /// <summary>The proposal's full computation against the replay's: every clinic's place, score and exclusion reasons.</summary>
    public static IReadOnlyList<Difference> Compare(RankingComputation recorded, RankingComputation replayed)
    {
        var differences = new List<Difference>();
        var before = recorded.Ranked.ToDictionary(x => x.ClinicId);
        var after = replayed.Ranked.ToDictionary(x => x.ClinicId);
        foreach (var id in before.Keys.Union(after.Keys))
        {
            var a = before.GetValueOrDefault(id);
            var b = after.GetValueOrDefault(id);
            var name = a?.Name ?? b!.Name;
            if (a is null || b is null)
            {
                differences.Add(new Difference("proposal", id, name, "ranked", a is null ? "excluded" : $"rank {a.Rank}", b is null ? "excluded" : $"rank {b.Rank}"));
                continue;
            }

            if (a.Rank != b.Rank) differences.Add(new Difference("proposal", id, name, "rank", Text(a.Rank), Text(b.Rank)));
            if (a.Score != b.Score) differences.Add(new Difference("proposal", id, name, "score", Text(a.Score), Text(b.Score)));
            foreach (var factor in a.Factors)
            {
                var other = b.Factors.FirstOrDefault(x => x.Factor == factor.Factor);
                if (other?.Value != factor.Value)
                    differences.Add(new Difference("proposal", id, name, $"{factor.Factor}.value", Text(factor.Value), Text(other?.Value)));
            }
        }

        var excludedBefore = recorded.Excluded.ToDictionary(x => x.ClinicId, x => string.Join(" ", x.Reasons));
        foreach (var excluded in replayed.Excluded)
        {
            var reasons = string.Join(" ", excluded.Reasons);
            if (excludedBefore.GetValueOrDefault(excluded.ClinicId) is { } was && was != reasons)
                differences.Add(new Difference("proposal", excluded.ClinicId, excluded.Name, "exclusion reasons", was, reasons));
        }

        return differences;
    }

    private static IEnumerable<(string Key, IReadOnlyList<ListEntry> Published, IReadOnlyList<ListEntry> Replayed)> Pairs(EditionLists a, EditionLists b)
    {
        yield return ("overall", a.Overall, b.Overall);
        foreach (var key in a.ByCondition.Keys.Union(b.ByCondition.Keys).Order(StringComparer.Ordinal))
            yield return ($"condition:{key}", a.ByCondition.GetValueOrDefault(key) ?? [], b.ByCondition.GetValueOrDefault(key) ?? []);
        foreach (var key in a.ByCountry.Keys.Union(b.ByCountry.Keys).Order(StringComparer.Ordinal))
            yield return ($"country:{key}", a.ByCountry.GetValueOrDefault(key) ?? [], b.ByCountry.GetValueOrDefault(key) ?? []);
    }

    private static string? Ties(IReadOnlyList<TiedClinic>? ties) => ties is null
        ? null
        : string.Join("; ", ties.Select(x => $"{x.Name} ({x.ClinicId}) rank {x.Rank?.ToString(CultureInfo.InvariantCulture) ?? "-"}: {x.ThisClinic} by {x.DecidedBy}"));

    private static string? Text(object? value) => value switch
    {
        null => null,
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}

/// <summary>A canonical serialization: fixed options, dictionary keys in ordinal order; its SHA-256 names the content.</summary>
public static class Canonical
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        WriteIndented = false,
    };

    public static string Hash(EditionLists lists) => Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new
    {
        overall = lists.Overall,
        byCondition = lists.ByCondition.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => new { key = x.Key, entries = x.Value }),
        byCountry = lists.ByCountry.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => new { key = x.Key, entries = x.Value }),
    }, Options)));
}
