using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.RateLimiting;

namespace ClinicVetting.Ranking.PublicFeed;

public static class GetPublicRankingAtomFeedEndpoint
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    /// <summary>The OpenAPI document's example of the answer.</summary>
    public const string ExampleAnswer = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
          <id>urn:clinicvetting:rankings</id>
          <title>ClinicVetting: top 10 verified stem-cell clinics</title>
          <updated>2026-03-02T09:30:00.0000000+00:00</updated>
          <link rel="self" href="https://clinicvetting.example/api/public/rankings/feed.atom" />
          <entry>
            <id>urn:clinicvetting:rankings:edition:7</id>
            <title>Ranking edition 7</title>
            <updated>2026-03-02T09:30:00.0000000+00:00</updated>
            <author><name>ClinicVetting</name></author>
            <link href="https://clinicvetting.example/api/public/rankings/editions/7" />
            <summary>1. Bangkok Regenerative Medicine Centre (Bangkok, TH), score 0.82</summary>
          </entry>
        </feed>
        """;

    /// <summary>An Atom feed of the editions, newest first (the latest 20).</summary>
    [WolverineGet("/api/public/rankings/feed.atom", OperationId = "GetPublicRankingAtomFeed"), AllowAnonymous,
     EnableRateLimiting(PublicFeedOptions.RateLimitPolicy)]
    [Tags("Public ranking")]
    [Produces("application/atom+xml")]
    public static async Task<IResult> Get(IQuerySession session, PublicFeedCache cache, HttpRequest request, CancellationToken cancellation)
    {
        var catalog = await session.LoadAsync<RankingEditionCatalog>(RankingEditionCatalog.StreamId, cancellation) ?? new RankingEditionCatalog();
        var baseUrl = $"{request.Scheme}://{request.Host}";
        var body = await cache.GetOrBuild($"atom:{baseUrl}", ListPublicEditionsEndpoint.Version(catalog), async () =>
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
