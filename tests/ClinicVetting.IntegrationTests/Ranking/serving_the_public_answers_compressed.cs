using System.IO.Compression;
using System.Net;
using Alba;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Ranking.PublicFeed;

namespace ClinicVetting.IntegrationTests.Ranking;

/// <summary>
/// The public answers (feed, editions, Atom feed, public pages) are kept compressed once per revision, in brotli and gzip, and
/// each request gets the representation its Accept-Encoding picks, with that representation's own strong ETag (issue 17, P3).
/// </summary>
public class serving_the_public_answers_compressed(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Browser = "gzip, deflate, br";

    private Task<IScenarioResult> Get(string url, string? acceptEncoding = null, string? ifNoneMatch = null, int status = 200, string? token = null) =>
        Call(token, s =>
        {
            s.Get.Url(url);
            // Each call from its own address: the public reads share a per-client budget.
            s.ConfigureHttpContext(http => http.Connection.RemoteIpAddress = IPAddress.Parse($"10.17.{Random.Shared.Next(1, 250)}.{Random.Shared.Next(1, 250)}"));
            if (acceptEncoding is not null) s.WithRequestHeader("Accept-Encoding", acceptEncoding);
            if (ifNoneMatch is not null) s.WithRequestHeader("If-None-Match", ifNoneMatch);
            s.StatusCodeShouldBe(status);
        });

    private static byte[] Bytes(IScenarioResult result)
    {
        using var copy = new MemoryStream();
        result.Context.Response.Body.CopyTo(copy);
        return copy.ToArray();
    }

    private static string? CodingOf(IScenarioResult result) =>
        result.Context.Response.Headers.ContentEncoding is { Count: > 0 } coding ? coding.ToString() : null;

    private static string ETagOf(IScenarioResult result) => result.Context.Response.Headers.ETag.ToString();

    private static byte[] Decoded(byte[] bytes, string? coding)
    {
        if (coding is null)
        {
            return bytes;
        }

        using var input = new MemoryStream(bytes);
        using Stream decoder = coding switch
        {
            "br" => new BrotliStream(input, CompressionMode.Decompress),
            "gzip" => new GZipStream(input, CompressionMode.Decompress),
            _ => throw new InvalidOperationException($"Unexpected Content-Encoding: {coding}"),
        };
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    private async Task AnEdition(string clinic = "Compressed Clinic")
    {
        await Host.AnApprovedClinic(Fixture, $"{clinic} A", [5, 5, 5, 4, 5, 5], "MX");
        await Host.AnApprovedClinic(Fixture, $"{clinic} B", [4, 4, 5, 4, 4, 5, 4], "TR", "Turkish Ministry of Health");
        await Host.ApproveProposal(Approver, (await Host.Propose(Staff)).Id);
        await CatchUpProjections();
    }

    private static readonly string[] PublicAnswers =
    [
        "/api/public/rankings", "/api/public/rankings?country=TR", "/api/public/rankings?condition=orthopedics", "/api/public/rankings/editions",
        "/api/public/rankings/editions/1", "/api/public/rankings/feed.atom", "/", "/methodology", "/editions", "/editions/1",
    ];

    [Fact]
    public async Task every_public_answer_in_brotli_and_gzip_decompresses_to_exactly_the_identity_body_with_its_own_etag()
    {
        await AnEdition();
        var compressed = 0;
        foreach (var url in PublicAnswers)
        {
            var identity = await Get(url);
            var identityBytes = Bytes(identity);
            CodingOf(identity).ShouldBeNull(url);
            identity.Context.Response.ContentLength.ShouldBe(identityBytes.Length, url);
            identity.Context.Response.Headers.Vary.ToString().ShouldBe("Accept-Encoding", url);
            var etags = new List<string> { ETagOf(identity) };

            foreach (var (ask, coding) in new[] { ("br", "br"), ("gzip", "gzip"), (Browser, "br") })
            {
                var answer = await Get(url, ask);
                var bytes = Bytes(answer);
                var response = answer.Context.Response;
                response.Headers.Vary.ToString().ShouldBe("Accept-Encoding", url);
                response.ContentLength.ShouldBe(bytes.Length, url);
                response.ContentType.ShouldBe(identity.Context.Response.ContentType, url);
                response.Headers.CacheControl.ToString().ShouldBe(identity.Context.Response.Headers.CacheControl.ToString(), url);
                if (identityBytes.Length < PublicEncodings.MinimumLength)
                {
                    // A tiny body stays as it is, under the identity's ETag.
                    CodingOf(answer).ShouldBeNull(url);
                    bytes.ShouldBe(identityBytes, url);
                    ETagOf(answer).ShouldBe(ETagOf(identity), url);
                    continue;
                }

                CodingOf(answer).ShouldBe(coding, url);
                bytes.Length.ShouldBeLessThan(identityBytes.Length, url);
                Decoded(bytes, coding).ShouldBe(identityBytes, url);
                ETagOf(answer).ShouldBe($"{ETagOf(identity)[..^1]}-{coding}\"", url);
                etags.Add(ETagOf(answer));
                compressed++;
            }

            // Identity, brotli and gzip: three ETags (the browser's header got brotli's), or one for a tiny body.
            etags.Distinct().Count().ShouldBe(identityBytes.Length < PublicEncodings.MinimumLength ? 1 : 3, url);
            if (MustBeCompressed.Contains(url))
            {
                identityBytes.Length.ShouldBeGreaterThanOrEqualTo(PublicEncodings.MinimumLength, url);
            }
        }

        compressed.ShouldBeGreaterThanOrEqualTo(3 * MustBeCompressed.Length);
    }

    /// <summary>Over the minimum with an edition of two clinics, so compressed (the others depend on their size).</summary>
    private static readonly string[] MustBeCompressed = ["/api/public/rankings", "/api/public/rankings/editions/1", "/", "/methodology", "/editions/1"];

    [Fact]
    public async Task accept_encoding_picks_the_representation_by_its_weights_refusals_and_star()
    {
        await AnEdition();
        var identity = Bytes(await Get("/api/public/rankings"));
        (string? AcceptEncoding, string? Coding)[] cases =
        [
            (null, null),
            ("", null),
            ("identity", null),
            ("br", "br"),
            ("BR", "br"),
            ("gzip", "gzip"),
            ("x-gzip", "gzip"),
            ("gzip, deflate, br", "br"),
            ("gzip, deflate, br, zstd", "br"),
            ("br;q=0.5, gzip", "gzip"),
            ("br;q=0, gzip;q=0.1", "gzip"),
            ("gzip;q=0.8, br;q=0.8", "br"),
            ("br;q=0, gzip;q=0", null),
            ("*", "br"),
            ("*;q=0.5, gzip", "gzip"),
            ("br;q=0, *", "gzip"),
            ("identity;q=1, br;q=0.5", null),
            ("identity;q=0, br;q=0.1", "br"),
            ("deflate, zstd", null),
            ("compress;q=1", null),
            ("br;q=2, gzip;q=0.1", "gzip"),
            ("br;q=0.1234, gzip;q=0.1", "gzip"),
            ("identity;q=0, *;q=0", null),
        ];
        foreach (var (acceptEncoding, coding) in cases)
        {
            var answer = await Get("/api/public/rankings", acceptEncoding);
            CodingOf(answer).ShouldBe(coding, $"Accept-Encoding: {acceptEncoding}");
            Decoded(Bytes(answer), coding).ShouldBe(identity, $"Accept-Encoding: {acceptEncoding}");
        }
    }

    [Fact]
    public async Task a_304_is_per_representation_and_a_new_revision_changes_every_etag()
    {
        await AnEdition();
        var identity = await Get("/api/public/rankings");
        var brotli = await Get("/api/public/rankings", Browser);
        var gzip = await Get("/api/public/rankings", "gzip");
        string[] etags = [ETagOf(identity), ETagOf(brotli), ETagOf(gzip)];
        etags.Distinct().Count().ShouldBe(3);

        // Each representation's ETag revalidates that representation, and says Vary like the 200 did.
        var notModified = await Get("/api/public/rankings", Browser, ETagOf(brotli), 304);
        notModified.Context.Response.Headers.Vary.ToString().ShouldBe("Accept-Encoding");
        ETagOf(notModified).ShouldBe(ETagOf(brotli));
        CodingOf(notModified).ShouldBeNull();
        Bytes(notModified).ShouldBeEmpty();
        await Get("/api/public/rankings", "gzip", ETagOf(gzip), 304);
        (await Get("/api/public/rankings", ifNoneMatch: ETagOf(identity), status: 304)).Context.Response.Headers.Vary.ToString().ShouldBe("Accept-Encoding");

        // A strong validator names one representation: holding the identity answer and now asking for brotli is a new
        // representation (200, brotli), not a 304 that would let the client pair the brotli headers with identity bytes.
        var other = await Get("/api/public/rankings", Browser, ETagOf(identity));
        CodingOf(other).ShouldBe("br");
        ETagOf(other).ShouldBe(ETagOf(brotli));
        (await Get("/api/public/rankings", ifNoneMatch: ETagOf(brotli))).Context.Response.Headers.ETag.ToString().ShouldBe(ETagOf(identity));
        await Get("/api/public/rankings", "gzip", ETagOf(brotli));
        // A cache holding several representations names them all; the one this request gets matches.
        ETagOf(await Get("/api/public/rankings", Browser, $"{ETagOf(identity)}, {ETagOf(brotli)}", 304)).ShouldBe(ETagOf(brotli));

        await AnEdition("Newer Clinic");
        var next = new[] { await Get("/api/public/rankings"), await Get("/api/public/rankings", Browser), await Get("/api/public/rankings", "gzip") };
        next.Select(CodingOf).ShouldBe([null, "br", "gzip"]);
        foreach (var (answer, old) in next.Zip(etags))
        {
            ETagOf(answer).ShouldNotBe(old);
            await Get("/api/public/rankings", CodingOf(answer), old);
        }

        var nextIdentity = Bytes(next[0]); // a scenario's body reads once
        Decoded(Bytes(next[1]), "br").ShouldBe(nextIdentity);
        Decoded(Bytes(next[2]), "gzip").ShouldBe(nextIdentity);
    }

    [Fact]
    public async Task staff_answers_and_the_feeds_problems_are_not_compressed()
    {
        await AnEdition();
        var proposal = await Host.Propose(Staff);

        // The proposal's detail is several KiB of JSON: still sent as it is, whatever the caller accepts.
        var detail = await Get($"/api/ranking/proposals/{proposal.Id}", Browser, token: Auditor);
        CodingOf(detail).ShouldBeNull();
        var bytes = Bytes(detail);
        bytes.Length.ShouldBeGreaterThan(PublicEncodings.MinimumLength);
        bytes[0].ShouldBe((byte)'{');

        var problem = await Get("/api/public/rankings?country=Turkey", Browser, status: 404);
        CodingOf(problem).ShouldBeNull();
        problem.ShouldBeProblem(404);
    }
}
