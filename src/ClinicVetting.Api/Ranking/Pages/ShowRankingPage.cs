using ClinicVetting.Clinics;
using ClinicVetting.Ranking.PublicFeed;
using Microsoft.AspNetCore.RateLimiting;

namespace ClinicVetting.Ranking.Pages;

public sealed record ListLink(string Href, string Label, bool Current);

/// <summary>A factor of a clinic's score as the edition computed it: its value, weight, points, share and what it was based on.</summary>
public sealed record FactorLine(RankingFactor Factor, decimal Value, decimal? Weight, decimal? Points, decimal Share, string? Basis);

/// <summary>What the clinic's profile says beyond the ranking's own facts (not part of the score).</summary>
public sealed record ProfileFacts(int? YearsOfExperience, int? PatientsPerYear, IReadOnlyList<TreatmentProgram> Programs);

public sealed record ClinicOnPage(PublicEntry Entry, IReadOnlyList<FactorLine> Factors, ProfileFacts? Profile);

public sealed record RankingPage(
    PublicRankingList List,
    IReadOnlyList<ClinicOnPage> Clinics,
    IReadOnlyList<ListLink> Conditions,
    IReadOnlyList<ListLink> Countries,
    bool OverallIsCurrent);

public static class ShowRankingPageEndpoint
{
    /// <summary>
    /// The front page: the current top 10 overall, for a condition (?condition=orthopedics) or a country (?country=MX), each clinic
    /// with its verified facts, score and factors, ties and suspension marks. Rendered once per revision of the public ranking.
    /// </summary>
    [WolverineGet("/", OperationId = "ShowRankingPage"), AllowAnonymous, EnableRateLimiting(PublicFeedOptions.RateLimitPolicy), ExcludeFromDescription]
    public static async Task<IResult> Get(string? condition, string? country, IQuerySession session, PublicFeedCache cache,
        PublicRankingRevision revisions, PublicPageRenderer pages, CancellationToken cancellation)
    {
        if (GetPublicRankingEndpoint.Validate(condition, country) is var problem && !ReferenceEquals(problem, WolverineContinue.NoProblems))
        {
            return new PublicPageResult(await pages.Render<PublicNotFoundPage>(new Dictionary<string, object?>
            {
                [nameof(PublicNotFoundPage.Title)] = "No such list",
                [nameof(PublicNotFoundPage.Detail)] = problem.Status == StatusCodes.Status400BadRequest
                    ? "Ask for one list at a time: a condition (1 to 100 characters) or a country, not both."
                    : problem.Detail ?? "There is no such list.",
            }), problem.Status ?? StatusCodes.Status404NotFound);
        }

        var choice = GetPublicRankingEndpoint.Choose(condition, country);
        var revision = await revisions.Current(cancellation);
        var body = await cache.GetOrBuild($"page:{choice.Key}", revision?.ToString() ?? "none", async () =>
        {
            var ranking = revision is null ? null : await session.LoadAsync<PublicRanking>(PublicRanking.CurrentId, cancellation);
            return await pages.Render<RankingListPage>(new Dictionary<string, object?>
            {
                [nameof(RankingListPage.Page)] = ranking?.Edition is null ? null : await Read(session, ranking, choice, cancellation),
            });
        });
        return new PublicPageResult(body);
    }

    private static async Task<RankingPage> Read(IQuerySession session, PublicRanking ranking, GetPublicRankingEndpoint.ListChoice choice,
        CancellationToken cancellation)
    {
        var list = GetPublicRankingEndpoint.ListOf(ranking, choice, DateTimeOffset.UtcNow);
        var edition = await session.LoadAsync<RankingEdition>(ranking.Edition!.Value, cancellation);
        var proposal = edition is null ? null : await session.LoadAsync<RankingProposal>(edition.ProposalId, cancellation);
        var computed = (proposal?.Computation.Ranked ?? []).ToDictionary(x => x.ClinicId);
        var profiles = (await session.LoadManyAsync<ClinicProfile>(cancellation, list.Entries.Select(x => x.ClinicId).Distinct()))
            .ToDictionary(x => x.Id);

        var clinics = list.Entries.Select(entry =>
        {
            var factors = computed.GetValueOrDefault(entry.ClinicId)?.Factors;
            var lines = entry.Factors.Select(x =>
            {
                var score = factors?.FirstOrDefault(f => f.Factor == x.Factor);
                return new FactorLine(x.Factor, x.Value, score?.Weight, score?.Points, x.Share, score?.Basis);
            }).ToList();
            var profile = profiles.GetValueOrDefault(entry.ClinicId);
            return new ClinicOnPage(entry, lines, profile is null ? null : new ProfileFacts(profile.YearsOfExperience, profile.PatientsPerYear, profile.Programs));
        }).ToList();

        var lists = ranking.Lists!;
        return new RankingPage(list, clinics,
            lists.ByCondition.Keys.Select(code => new ListLink($"/?condition={Uri.EscapeDataString(code)}", Shared.Conditions.LabelOf(code),
                choice.Key == $"condition:{code}")).OrderBy(x => x.Label, StringComparer.Ordinal).ToList(),
            lists.ByCountry.Keys.Select(code => new ListLink($"/?country={Uri.EscapeDataString(code)}", Shared.Countries.NameOf.GetValueOrDefault(code, code),
                choice.Key == $"country:{code}")).OrderBy(x => x.Label, StringComparer.Ordinal).ToList(),
            choice.Key == "overall");
    }
}
