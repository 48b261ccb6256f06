using System.Text;
using ClinicVetting.Ranking;
using ClinicVetting.Ranking.PublicFeed;
using CsCheck;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ClinicVetting.UnitTests.Ranking;

public class answering_the_public_feed
{
    private static readonly CachedBody Body = CachedBody.Of(Encoding.UTF8.GetBytes("""{"edition":1}"""), "application/json; charset=utf-8");

    /// <summary>What the feed matched If-None-Match with before issue 17 (split into strings): the reference for the in-place match.</summary>
    private static bool SplitMatch(StringValues ifNoneMatch, string etag) =>
        ifNoneMatch.Any(x => x is not null && (x == "*" || x.Split(',').Any(tag => tag.Trim() == etag)));

    [Theory]
    [InlineData("*", true)]
    [InlineData(" *", false)]
    [InlineData("ETAG", true)]
    [InlineData("  ETAG\t", true)]
    [InlineData("\"other\", ETAG", true)]
    [InlineData("\"other\",ETAG,", true)]
    [InlineData("\"other\"", false)]
    [InlineData("W/ETAG", false)]
    [InlineData("ETAGx", false)]
    [InlineData(",,", false)]
    [InlineData("", false)]
    public void if_none_match_names_the_answer_by_its_strong_etag_or_star(string header, bool matches)
    {
        var value = header.Replace("ETAG", Body.ETag);
        PublicResult.Matches(value, Body.ETag).ShouldBe(matches);
        SplitMatch(value, Body.ETag).ShouldBe(matches);
    }

    [Fact]
    public void the_in_place_match_agrees_with_splitting_the_header_for_any_header()
    {
        var part = Gen.OneOf(Body.ETag, "\"0123\"", "*", "W/" + Body.ETag, Body.ETag[..^1], " ", "\t", ",", "", "x");
        var value = part.Array[0, 6].Select(parts => string.Concat(parts));
        Gen.Select(value.Array[0, 3], Gen.Bool).Sample(x =>
        {
            var header = x.Item2 ? new StringValues(x.Item1) : new StringValues(x.Item1.Length == 0 ? null : x.Item1[0]);
            PublicResult.Matches(header, Body.ETag).ShouldBe(SplitMatch(header, Body.ETag), $"If-None-Match: [{string.Join("|", x.Item1)}]");
        }, iter: 20_000);
    }

    [Fact]
    public async Task a_full_answer_and_a_revalidation_carry_the_same_cache_headers()
    {
        var result = new PublicResult(Body);

        var full = new DefaultHttpContext();
        full.Response.Body = new MemoryStream();
        await result.ExecuteAsync(full);
        full.Response.StatusCode.ShouldBe(200);
        full.Response.Headers.ETag.ToString().ShouldBe(Body.ETag);
        full.Response.Headers.CacheControl.ToString().ShouldBe(PublicResult.DefaultCacheControl);
        full.Response.Headers.Vary.ToString().ShouldBe("Accept-Encoding");
        full.Response.ContentType.ShouldBe("application/json; charset=utf-8");
        full.Response.ContentLength.ShouldBe(Body.Bytes.Length);
        ((MemoryStream)full.Response.Body).ToArray().ShouldBe(Body.Bytes);

        // The same result again (the feed keeps one per list and revision), now revalidated.
        var revalidated = new DefaultHttpContext();
        revalidated.Response.Body = new MemoryStream();
        revalidated.Request.Headers.IfNoneMatch = $"\"other\", {Body.ETag}";
        await result.ExecuteAsync(revalidated);
        revalidated.Response.StatusCode.ShouldBe(304);
        revalidated.Response.Headers.ETag.ToString().ShouldBe(Body.ETag);
        revalidated.Response.Headers.CacheControl.ToString().ShouldBe(PublicResult.DefaultCacheControl);
        revalidated.Response.Headers.Vary.ToString().ShouldBe("Accept-Encoding");
        revalidated.Response.Body.Length.ShouldBe(0);
    }

    [Fact]
    public void the_kept_answers_revision_moves_when_a_paid_placement_starts_or_ends_and_only_then()
    {
        var last = Guid.CreateVersion7();
        var now = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        SponsoredPlacement Placement(int fromHours, int untilHours) =>
            new(Guid.NewGuid(), Guid.NewGuid(), "Clinic", "Sponsored", now.AddHours(fromHours), now.AddHours(untilHours));
        var placements = new[] { Placement(-2, 1), Placement(2, 5) };

        PublicRankingRevision.Revision(last, [], now).ShouldBe(last);
        PublicRankingRevision.Revision(last, null, now).ShouldBe(last);
        var during = PublicRankingRevision.Revision(last, placements, now);
        PublicRankingRevision.Revision(last, placements, now.AddMinutes(59)).ShouldBe(during);
        var ended = PublicRankingRevision.Revision(last, placements, now.AddHours(1));
        var next = PublicRankingRevision.Revision(last, placements, now.AddHours(2));
        var allOver = PublicRankingRevision.Revision(last, placements, now.AddHours(5));
        new[] { during, ended, next, allOver }.Distinct().Count().ShouldBe(4);
        PublicRankingRevision.Revision(Guid.CreateVersion7(), placements, now).ShouldNotBe(during);
    }
}
