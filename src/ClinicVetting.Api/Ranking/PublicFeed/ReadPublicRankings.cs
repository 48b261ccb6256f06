using System.Text.Json;
using System.Xml.Linq;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ClinicVetting.Ranking.PublicFeed;

/// <summary>The anonymous feed: served from projections, serialized once per version, strong ETags, CDN cache headers, rate limited.</summary>
public static class PublicRankingEndpoints
{
    public const string RateLimitPolicy = "public-feed";

    /// <summary>A list that cannot exist (a condition outside the catalog, a country that is not one) is not found.</summary>
    public static ProblemDetails Validate(string? condition, string? country)
    {
        var errors = new FieldErrors()
            .When(condition is not null && country is not null, "condition", "ask for one list: a condition or a country")
            .When(condition is { Length: 0 or > 100 }, "condition", "must be 1 to 100 characters");
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (condition is not null && !Conditions.IsKnown(condition))
        {
            return Problems.Create(404, "No such ranking list",
                $"There is no list for the condition '{condition}': the lists are per condition of the catalog ({string.Join(", ", Conditions.Codes)}).");
        }

        return country is not null && !Countries.IsKnown(country)
            ? Problems.Create(404, "No such ranking list", $"There is no list for '{country}': countries are ISO 3166-1 alpha-2 codes, for example MX or TR.")
            : WolverineContinue.NoProblems;
    }

    /// <summary>The current top 10: overall, or for one condition (?condition=orthopedics) or country (?country=MX).</summary>
    [WolverineGet("/api/public/rankings", OperationId = "GetPublicRanking"), AllowAnonymous, EnableRateLimiting(RateLimitPolicy)]
    [Tags("Public ranking")]
    [ProducesResponseType<PublicRankingList>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(string? condition, string? country, IQuerySession session, PublicFeedCache cache,
        PublicRankingRevision revisions, IOptions<JsonOptions> json, CancellationToken cancellation)
    {
        var (key, title, select) = condition is not null
            ? ($"condition:{Conditions.CodeOf(condition)}", $"Top 10 verified clinics for {Conditions.LabelOf(Conditions.CodeOf(condition))}",
                (Func<EditionLists, IReadOnlyList<ListEntry>>)(lists => lists.ByCondition.GetValueOrDefault(Conditions.CodeOf(condition)) ?? []))
            : country is not null
                ? ($"country:{Countries.Normalize(country)}", $"Top 10 verified clinics in {Countries.NameOf[Countries.Normalize(country)]}",
                    lists => lists.ByCountry.GetValueOrDefault(Countries.Normalize(country)) ?? [])
                : ("overall", "Top 10 verified stem-cell clinics", lists => lists.Overall);

        if (await revisions.Current(cancellation) is not { } revision)
        {
            return Results.Problem(Problems.Create(404, "No ranking published yet", "No edition of the ranking has been published yet."));
        }

        var body = await cache.GetOrBuild($"list:{key}", revision.ToString(), async () =>
        {
            var ranking = (await session.LoadAsync<PublicRanking>(PublicRanking.CurrentId, cancellation))!;
            var entries = ranking.Lists is null ? [] : select(ranking.Lists).Select(x => PublicModels.Entry(x, ranking.Suspended)).ToList();
            var now = DateTimeOffset.UtcNow;
            var list = new PublicRankingList(ranking.Edition ?? 0, ranking.PublishedAt ?? default, ranking.PolicyVersion, ranking.TieBreaks, key, title, entries,
                ranking.Sponsored.Where(x => x.From <= now && now < x.Until).Select(x => new PublicSponsoredPlacement(x.ClinicId, x.ClinicName, x.Label, x.Until)).ToList());
            return CachedBody.Of(JsonSerializer.SerializeToUtf8Bytes(list, json.Value.SerializerOptions), "application/json; charset=utf-8");
        });
        return new PublicResult(body);
    }
}

public static class PublicEditionsEndpoint
{
    /// <summary>The catalog's state: its version and its latest edition's log position (unique even across a data reset).</summary>
    public static string Version(RankingEditionCatalog catalog) => $"{catalog.Version}:{catalog.Latest?.LogPosition}:{catalog.Latest?.ProposalId}";

    /// <summary>Every published edition: number, date, policy version, log position.</summary>
    [WolverineGet("/api/public/rankings/editions", OperationId = "ListPublicEditions"), AllowAnonymous,
     EnableRateLimiting(PublicRankingEndpoints.RateLimitPolicy)]
    [Tags("Public ranking")]
    [ProducesResponseType<IReadOnlyList<EditionSummary>>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Get(IQuerySession session, PublicFeedCache cache, IOptions<JsonOptions> json, CancellationToken cancellation)
    {
        var catalog = await session.LoadAsync<RankingEditionCatalog>(RankingEditionCatalog.StreamId, cancellation) ?? new RankingEditionCatalog();
        var body = await cache.GetOrBuild("editions", Version(catalog), () => Task.FromResult(CachedBody.Of(
            JsonSerializer.SerializeToUtf8Bytes(catalog.Editions.AsEnumerable().Reverse().ToList(), json.Value.SerializerOptions),
            "application/json; charset=utf-8")));
        return new PublicResult(body);
    }
}

public static class PublicEditionEndpoint
{
    /// <summary>One edition, whole and as published (immutable): every list, the policy version and log position, any overrides.</summary>
    [WolverineGet("/api/public/rankings/editions/{edition}", OperationId = "GetPublicEdition"), AllowAnonymous,
     EnableRateLimiting(PublicRankingEndpoints.RateLimitPolicy)]
    [Tags("Public ranking")]
    [ProducesResponseType<PublicEdition>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(int edition, IQuerySession session, PublicFeedCache cache, IOptions<JsonOptions> json,
        CancellationToken cancellation)
    {
        var document = await session.LoadAsync<RankingEdition>(edition, cancellation);
        if (document is null)
        {
            return Results.Problem(Problems.Create(404, "Edition not found", $"No edition {edition} has been published."));
        }

        var body = await cache.GetOrBuild($"edition:{edition}", document.ProposalId.ToString(), () => Task.FromResult(CachedBody.Of(
            JsonSerializer.SerializeToUtf8Bytes(PublicModels.Edition(document), json.Value.SerializerOptions), "application/json; charset=utf-8")));
        return new PublicResult(body, "public, max-age=86400, immutable");
    }
}

public static class PublicAtomFeedEndpoint
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    /// <summary>An Atom feed of the editions, newest first (the latest 20).</summary>
    [WolverineGet("/api/public/rankings/feed.atom", OperationId = "GetPublicRankingAtomFeed"), AllowAnonymous,
     EnableRateLimiting(PublicRankingEndpoints.RateLimitPolicy)]
    [Tags("Public ranking")]
    [Produces("application/atom+xml")]
    public static async Task<IResult> Get(IQuerySession session, PublicFeedCache cache, HttpRequest request, CancellationToken cancellation)
    {
        var catalog = await session.LoadAsync<RankingEditionCatalog>(RankingEditionCatalog.StreamId, cancellation) ?? new RankingEditionCatalog();
        var baseUrl = $"{request.Scheme}://{request.Host}";
        var body = await cache.GetOrBuild($"atom:{baseUrl}", PublicEditionsEndpoint.Version(catalog), async () =>
        {
            var latest = catalog.Editions.AsEnumerable().Reverse().Take(20).ToList();
            var editions = (await session.LoadManyAsync<RankingEdition>(cancellation, latest.Select(x => x.Edition).ToArray())).ToDictionary(x => x.Id);
            var feed = new XElement(Atom + "feed",
                new XElement(Atom + "id", "urn:clinicvetting:rankings"),
                new XElement(Atom + "title", "ClinicVetting: top 10 verified stem-cell clinics"),
                new XElement(Atom + "updated", (latest.FirstOrDefault()?.PublishedAt ?? DateTimeOffset.UnixEpoch).ToString("O")),
                new XElement(Atom + "link", new XAttribute("rel", "self"), new XAttribute("href", $"{baseUrl}/api/public/rankings/feed.atom")),
                latest.Select(summary => new XElement(Atom + "entry",
                    new XElement(Atom + "id", $"urn:clinicvetting:rankings:edition:{summary.Edition}"),
                    new XElement(Atom + "title", $"Ranking edition {summary.Edition}"),
                    new XElement(Atom + "updated", summary.PublishedAt.ToString("O")),
                    new XElement(Atom + "author", new XElement(Atom + "name", "ClinicVetting")),
                    new XElement(Atom + "link", new XAttribute("href", $"{baseUrl}/api/public/rankings/editions/{summary.Edition}")),
                    new XElement(Atom + "summary", Summary(summary, editions.GetValueOrDefault(summary.Edition))))));
            var bytes = System.Text.Encoding.UTF8.GetBytes(new XDocument(new XDeclaration("1.0", "utf-8", null), feed).ToString());
            return CachedBody.Of(bytes, "application/atom+xml; charset=utf-8");
        });
        return new PublicResult(body);
    }

    /// <summary>The policy version and its tie-breaks in order, then the overall list, saying who was tied and which rule placed them.</summary>
    private static string Summary(EditionSummary summary, RankingEdition? edition)
    {
        var tieBreaks = edition?.TieBreaks is { } order ? $" Ties are broken by {string.Join(", then ", order.Select(x => JsonNamingPolicy.CamelCase.ConvertName(x.ToString())))}." : "";
        var entries = (edition?.Lists.Overall ?? []).Select(x => $"{x.Rank}. {x.Name} ({x.City}, {x.CountryName}){TieNote(x)}.");
        return $"Policy version {summary.PolicyVersion}.{tieBreaks} " + string.Join(" ", entries);
    }

    private static string TieNote(ListEntry entry) => entry.TiedWith is { Count: > 0 } ties
        ? ", tied with " + string.Join(" and ", ties.Select(x => $"{x.Name}, placed {(x.ThisClinic == TieSide.Above ? "above" : "below")} it by {JsonNamingPolicy.CamelCase.ConvertName(x.DecidedBy.ToString())}"))
        : "";
}
