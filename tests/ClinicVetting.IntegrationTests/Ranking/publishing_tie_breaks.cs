using System.Text.Json;
using System.Xml.Linq;
using Alba;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using Marten;

namespace ClinicVetting.IntegrationTests.Ranking;

/// <summary>A tie decided by a tie-break is published with the edition: who was tied, which rule placed them, the policy's tie-breaks.</summary>
public class publishing_tie_breaks(AppFixture fixture) : IntegrationContext(fixture)
{
    private static readonly string[] PolicyTieBreaks =
        ["moreVerifiedReviews", "higherReviewScore", "moreAccreditations", "moreYearsOfExperience", "earlierApproval", "nameAlphabetical"];

    /// <summary>Two clinics alike in every factor, so of equal score; the tie-breaks find the senior one has more years of experience.</summary>
    private async Task<(Guid Senior, Guid Junior, Guid Leader, int Edition)> AnEditionWithATie()
    {
        int[] ratings = [5, 4, 5, 4, 5, 5, 4];
        var junior = await Host.AnApprovedClinic(Fixture, "Aardvark Junior Clinic", ratings);
        var senior = await Host.AnApprovedClinic(Fixture, "Zebra Senior Clinic", ratings);
        await Host.PutJson(Staff, $"/api/clinics/{senior}", ClinicScenarios.AClinic("Zebra Senior Clinic") with { YearsOfExperience = 30 });
        var leader = await Host.AnApprovedClinic(Fixture, "Leader Clinic", [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4], "TR",
            "Turkish Ministry of Health");

        var proposal = await Host.Propose(Staff);
        var edition = await Host.ApproveProposal(Approver, proposal.Id);
        await CatchUpProjections();
        return (senior, junior, leader, edition.Edition);
    }

    private async Task<JsonElement> Json(string? token, string url)
    {
        var result = await Call(token, s => s.Get.Url(url));
        return JsonDocument.Parse(result.ReadAsText()).RootElement.Clone();
    }

    private static JsonElement Entry(JsonElement entries, Guid clinic) =>
        entries.EnumerateArray().Single(x => x.GetProperty("clinicId").GetGuid() == clinic);

    private static (Guid ClinicId, int? Rank, string ThisClinic, string DecidedBy) Tie(JsonElement entry)
    {
        entry.TryGetProperty("tiedWith", out var tiedWith).ShouldBeTrue($"{entry.GetProperty("name")} has no tiedWith");
        var tie = tiedWith.EnumerateArray().ShouldHaveSingleItem();
        return (tie.GetProperty("clinicId").GetGuid(), tie.GetProperty("rank").ValueKind == JsonValueKind.Null ? null : tie.GetProperty("rank").GetInt32(),
            Camel(tie.GetProperty("thisClinic").GetString()!), Camel(tie.GetProperty("decidedBy").GetString()!));
    }

    /// <summary>The senior clinic just above the junior one, each naming the other, its rank in this list and the rule; the leader tied with nobody.</summary>
    private static void ShowsTheTie(JsonElement entries, Guid senior, Guid junior, Guid? leader, int seniorRank = 2)
    {
        Entry(entries, senior).GetProperty("rank").GetInt32().ShouldBe(seniorRank);
        Entry(entries, junior).GetProperty("rank").GetInt32().ShouldBe(seniorRank + 1);
        Tie(Entry(entries, senior)).ShouldBe((junior, seniorRank + 1, "above", "moreYearsOfExperience"));
        Tie(Entry(entries, junior)).ShouldBe((senior, seniorRank, "below", "moreYearsOfExperience"));
        if (leader is { } untied)
        {
            var entry = Entry(entries, untied);
            entry.GetProperty("rank").GetInt32().ShouldBe(1);
            (!entry.TryGetProperty("tiedWith", out var none) || none.ValueKind == JsonValueKind.Null).ShouldBeTrue();
        }
    }

    private static void ListsThePolicyTieBreaks(JsonElement root) =>
        root.GetProperty("tieBreaks").EnumerateArray().Select(x => Camel(x.GetString()!)).ShouldBe(PolicyTieBreaks);

    /// <summary>The API writes enums in camelCase, the store as declared.</summary>
    private static string Camel(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    [Fact]
    public async Task the_public_feed_and_the_published_edition_say_who_was_tied_and_which_tie_break_placed_them()
    {
        var (senior, junior, leader, edition) = await AnEditionWithATie();

        var feed = await Json(null, "/api/public/rankings");
        ListsThePolicyTieBreaks(feed);
        ShowsTheTie(feed.GetProperty("entries"), senior, junior, leader);

        var country = await Json(null, "/api/public/rankings?country=MX");
        ShowsTheTie(country.GetProperty("entries"), senior, junior, leader: null, seniorRank: 1);

        var published = await Json(null, $"/api/public/rankings/editions/{edition}");
        ListsThePolicyTieBreaks(published);
        ShowsTheTie(published.GetProperty("overall"), senior, junior, leader);
    }

    [Fact]
    public async Task the_stored_edition_and_its_event_hold_the_tie_breaks_and_its_replay_still_matches()
    {
        var (senior, junior, leader, edition) = await AnEditionWithATie();

        await using var session = Store.QuerySession();
        var stored = JsonDocument.Parse((await session.Json.FindByIdAsync<global::ClinicVetting.Ranking.RankingEdition>(edition))!).RootElement;
        ListsThePolicyTieBreaks(stored);
        ShowsTheTie(stored.GetProperty("lists").GetProperty("overall"), senior, junior, leader);

        var events = await session.Events.FetchStreamAsync(global::ClinicVetting.Ranking.RankingEditionCatalog.StreamId);
        var published = JsonSerializer.SerializeToElement(events.Single().Data, new JsonSerializerOptions(JsonSerializerDefaults.Web)
            { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } });
        ListsThePolicyTieBreaks(published);

        var replay = await Json(Auditor, $"/api/audit/editions/{edition}/replay");
        replay.GetProperty("matches").GetBoolean().ShouldBeTrue(replay.GetProperty("differences").ToString());
        replay.GetProperty("proposalMatches").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task the_atom_feed_names_the_tie_breaks_and_who_was_tied_with_whom()
    {
        await AnEditionWithATie();

        var atom = await Call(null, s => s.Get.Url("/api/public/rankings/feed.atom"));

        XNamespace ns = "http://www.w3.org/2005/Atom";
        var summary = XDocument.Parse(atom.ReadAsText()).Root!.Element(ns + "entry")!.Element(ns + "summary")!.Value;
        summary.ShouldContain("Ties are broken by moreVerifiedReviews, then higherReviewScore");
        summary.ShouldContain("2. Zebra Senior Clinic (Cancún, Mexico), tied with Aardvark Junior Clinic, placed above it by moreYearsOfExperience.");
        summary.ShouldContain("3. Aardvark Junior Clinic (Cancún, Mexico), tied with Zebra Senior Clinic, placed below it by moreYearsOfExperience.");
    }
}
