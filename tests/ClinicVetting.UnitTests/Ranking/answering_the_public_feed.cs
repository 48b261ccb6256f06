using System.IO.Compression;
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

    /// <summary>
    /// What the feed matched If-None-Match with before issue 17 (split into strings), with RFC 9110's weak comparison (a
    /// <c>W/</c> prefix ignored): the reference for the in-place match.
    /// </summary>
    private static bool SplitMatch(StringValues ifNoneMatch, string etag) =>
        ifNoneMatch.Any(x => x is not null && (x == "*" || x.Split(',').Any(tag => tag.Trim() == etag || tag.Trim() == "W/" + etag)));

    [Theory]
    [InlineData("*", true)]
    [InlineData(" *", false)]
    [InlineData("ETAG", true)]
    [InlineData("  ETAG\t", true)]
    [InlineData("\"other\", ETAG", true)]
    [InlineData("\"other\",ETAG,", true)]
    [InlineData("\"other\"", false)]
    [InlineData("W/ETAG", true)]
    [InlineData("\"other\", W/ETAG", true)]
    [InlineData("W/\"other\"", false)]
    [InlineData("w/ETAG", false)]
    [InlineData("ETAGx", false)]
    [InlineData(",,", false)]
    [InlineData("", false)]
    public void if_none_match_names_the_answer_by_its_etag_weak_or_strong_or_star(string header, bool matches)
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

public class choosing_the_public_answers_content_coding
{
    /// <summary>Large enough to be compressed, and compressible.</summary>
    private static readonly CachedBody Large = CachedBody.Of(Encoding.UTF8.GetBytes(
        "{\"entries\":[" + string.Join(",", Enumerable.Range(1, 40).Select(i => $"{{\"rank\":{i},\"name\":\"Clinic {i}\"}}")) + "]}"), "application/json; charset=utf-8");

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData(" , ,", null)]
    [InlineData("identity", null)]
    [InlineData("br", "br")]
    [InlineData("Br", "br")]
    [InlineData("gzip", "gzip")]
    [InlineData("X-GZIP", "gzip")]
    [InlineData("gzip, deflate, br", "br")]
    [InlineData("gzip, deflate, br, zstd", "br")]
    [InlineData("zstd, gzip;q=0.2", "gzip")]
    [InlineData("br;q=0.5, gzip", "gzip")]
    [InlineData("br;q=0.5,gzip;q=0.499", "br")]
    [InlineData("gzip;q=0.8, br;q=0.8", "br")]
    [InlineData("br;q=0, gzip;q=0", null)]
    [InlineData("br;q=0.000, gzip;q=0.", null)]
    [InlineData("br ; q=0 , gzip", "gzip")]
    [InlineData("br;q = 0, gzip", "gzip")]
    [InlineData("br;level=5;q=0, gzip", "gzip")]
    [InlineData("br;Q=0, gzip", "gzip")]
    [InlineData("*", "br")]
    [InlineData("*;q=0.5, gzip", "gzip")]
    [InlineData("br;q=0, *", "gzip")]
    [InlineData("*;q=0", null)]
    [InlineData("identity;q=1, br;q=0.5", null)]
    [InlineData("identity;q=0.5, br;q=0.5", "br")]
    [InlineData("*;q=0.9, br;q=0.5", "gzip")]
    [InlineData("identity;q=0, br;q=0.1", "br")]
    [InlineData("identity;q=0, *;q=0", null)]
    [InlineData("deflate, zstd, compress", null)]
    [InlineData("br;q=2, gzip;q=0.1", "gzip")]
    [InlineData("br;q=1.001, gzip;q=0.1", "gzip")]
    [InlineData("br;q=1.000, gzip", "br")]
    [InlineData("br;q=0.1234, gzip;q=0.1", "gzip")]
    [InlineData("br;q=, gzip;q=0.1", "gzip")]
    [InlineData("br;q=.5, gzip;q=0.1", "gzip")]
    [InlineData("br;q=0.5;q=0, gzip;q=0.1", "br")]
    [InlineData("br, br;q=0, gzip", "br")]
    public void accept_encoding_is_read_as_rfc_9110_says(string? header, string? coding)
    {
        var chosen = Large.For(header is null ? StringValues.Empty : new StringValues(header));
        chosen.ContentEncoding.ShouldBe(coding);
        chosen.ShouldBeSameAs(coding switch { "br" => Large.Brotli, "gzip" => Large.Gzip, _ => Large.Identity });
    }

    [Fact]
    public void every_field_line_counts()
    {
        Large.For(new StringValues(["gzip;q=0.5", "br"])).ContentEncoding.ShouldBe("br");
        Large.For(new StringValues(["br;q=0", "gzip"])).ContentEncoding.ShouldBe("gzip");
    }

    [Fact]
    public void each_representation_is_made_once_and_decompresses_to_the_body_with_an_etag_of_its_own()
    {
        Large.Brotli.ShouldBeSameAs(Large.Brotli);
        Large.Gzip.ShouldBeSameAs(Large.Gzip);
        Large.Brotli!.ETag.ShouldBe(Large.ETag[..^1] + "-br\"");
        Large.Gzip!.ETag.ShouldBe(Large.ETag[..^1] + "-gzip\"");
        Large.Identity.ETag.ShouldBe(Large.ETag);
        Large.Brotli.Bytes.Length.ShouldBeLessThan(Large.Bytes.Length);

        using var brotli = new BrotliStream(new MemoryStream(Large.Brotli.Bytes), CompressionMode.Decompress);
        using var fromBrotli = new MemoryStream();
        brotli.CopyTo(fromBrotli);
        fromBrotli.ToArray().ShouldBe(Large.Bytes);
        using var gzip = new GZipStream(new MemoryStream(Large.Gzip.Bytes), CompressionMode.Decompress);
        using var fromGzip = new MemoryStream();
        gzip.CopyTo(fromGzip);
        fromGzip.ToArray().ShouldBe(Large.Bytes);
    }

    [Fact]
    public void a_tiny_body_and_one_that_does_not_shrink_stay_as_they_are()
    {
        var tiny = CachedBody.Of(Encoding.UTF8.GetBytes(new string('a', PublicEncodings.MinimumLength - 1)), "text/plain");
        tiny.For("br").ShouldBeSameAs(tiny.Identity);
        tiny.Brotli.ShouldBeNull();
        tiny.Gzip.ShouldBeNull();

        var noise = new byte[4096];
        new Random(17).NextBytes(noise);
        var random = CachedBody.Of(noise, "application/octet-stream");
        random.For("gzip, br").ShouldBeSameAs(random.Identity);
    }

    [Fact]
    public async Task the_result_sends_the_chosen_representation_with_its_headers()
    {
        var http = new DefaultHttpContext();
        http.Response.Body = new MemoryStream();
        http.Request.Headers.AcceptEncoding = "gzip, deflate, br";
        await new PublicResult(Large).ExecuteAsync(http);
        http.Response.StatusCode.ShouldBe(200);
        http.Response.Headers.ContentEncoding.ToString().ShouldBe("br");
        http.Response.Headers.ETag.ToString().ShouldBe(Large.Brotli!.ETag);
        http.Response.Headers.Vary.ToString().ShouldBe("Accept-Encoding");
        http.Response.ContentLength.ShouldBe(Large.Brotli.Bytes.Length);
        ((MemoryStream)http.Response.Body).ToArray().ShouldBe(Large.Brotli.Bytes);

        var revalidated = new DefaultHttpContext();
        revalidated.Response.Body = new MemoryStream();
        revalidated.Request.Headers.AcceptEncoding = "gzip";
        revalidated.Request.Headers.IfNoneMatch = Large.Brotli.ETag;
        await new PublicResult(Large).ExecuteAsync(revalidated);
        revalidated.Response.StatusCode.ShouldBe(200);
        revalidated.Response.Headers.ETag.ToString().ShouldBe(Large.Gzip!.ETag);
        revalidated.Request.Headers.IfNoneMatch = Large.Gzip.ETag;
        revalidated.Response.Body = new MemoryStream();
        revalidated.Response.Headers.Clear();
        await new PublicResult(Large).ExecuteAsync(revalidated);
        revalidated.Response.StatusCode.ShouldBe(304);
        revalidated.Response.Headers.ContentEncoding.Count.ShouldBe(0);
        revalidated.Response.Body.Length.ShouldBe(0);
    }
}
