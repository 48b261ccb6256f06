using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Alba;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Ranking;
using ClinicVetting.Ranking.PublicFeed;
using ClinicVetting.Vetting;
using Marten;

namespace ClinicVetting.IntegrationTests.Ranking;

public class publishing_ranking_editions(AppFixture fixture) : IntegrationContext(fixture)
{
    private string OtherApprover => Fixture.TokenFor("olivia-approver", "approver");

    private async Task<(Guid Good, Guid Better, Guid Few)> ThreeApprovedClinics()
    {
        var good = await Host.AnApprovedClinic(Fixture, "Good Clinic", [4, 4, 5, 4, 4, 5, 4], "MX");
        var better = await Host.AnApprovedClinic(Fixture, "Better Clinic", [5, 5, 5, 4, 5, 5, 5, 5], "TR", "Turkish Ministry of Health");
        var few = await Host.AnApprovedClinic(Fixture, "Few Reviews Clinic", [5, 5, 5], "MX");
        return (good, better, few);
    }

    private Task<IScenarioResult> Feed(string query = "", string? ifNoneMatch = null, int status = 200, string ip = "10.1.0.1") =>
        Host.Scenario(s =>
        {
            s.Get.Url("/api/public/rankings" + query);
            s.ConfigureHttpContext(http => http.Connection.RemoteIpAddress = IPAddress.Parse(ip));
            if (ifNoneMatch is not null) s.WithRequestHeader("If-None-Match", ifNoneMatch);
            s.StatusCodeShouldBe(status);
        });

    [Fact]
    public async Task a_proposal_explains_every_clinic_and_an_approved_edition_reaches_the_public_feed()
    {
        var (good, better, few) = await ThreeApprovedClinics();
        var unvetted = (await Host.RegisterClinic(Staff, ClinicScenarios.AClinic("Unvetted Clinic"))).Id;

        var proposal = await Host.Propose(Staff);
        proposal.Ranked.ShouldBe(2);
        proposal.Excluded.ShouldBe(2);
        proposal.PolicyVersion.ShouldBe(1);
        proposal.LogPosition.ShouldBeGreaterThan(0);

        var detail = await Host.GetProposal(Auditor, proposal.Id);
        detail.Computation.Ranked.Select(x => x.ClinicId).ShouldBe([better, good]);
        detail.Computation.Ranked.ShouldAllBe(x => x.Factors.Count == 4 && x.InputAges.ApprovalDays == 0 && x.InputAges.LatestReviewDays >= 0);
        detail.Computation.Excluded.Single(x => x.ClinicId == few).Reasons.ShouldContain("3 verified published review(s); at least 5 needed.");
        detail.Computation.Excluded.Single(x => x.ClinicId == unvetted).Reasons.ShouldContain("Not approved by vetting.");

        var edition = await Host.ApproveProposal(Approver, proposal.Id);
        edition.Edition.ShouldBe(1);
        await CatchUpProjections();

        var feed = await Feed();
        var list = feed.ReadAsJson<PublicRankingList>()!;
        list.Edition.ShouldBe(1);
        list.PolicyVersion.ShouldBe(1);
        list.Entries.Select(x => (x.Rank, x.Name)).ShouldBe([(1, "Better Clinic"), (2, "Good Clinic")]);
        var top = list.Entries[0];
        top.City.ShouldBe("Cancún");
        top.Country.ShouldBe("TR");
        top.VerifiedAccreditations.ShouldBe(["Joint Commission International"]);
        top.BestFor.ShouldBe(["Orthopedics", "Autoimmune diseases"]);
        top.PriceRange!.Min.ShouldBe(4_000);
        top.Factors.Sum(x => x.Share).ShouldBe(1m, 0.001m);
        feed.Context.Response.Headers.CacheControl.ToString().ShouldContain("public");

        var etag = feed.Context.Response.Headers.ETag.ToString();
        etag.ShouldStartWith("\"");
        await Feed(ifNoneMatch: etag, status: 304);
    }

    [Fact]
    public async Task the_lists_per_condition_and_per_country_come_with_the_edition()
    {
        await ThreeApprovedClinics();
        var proposal = await Host.Propose(Staff);
        await Host.ApproveProposal(Approver, proposal.Id);
        await CatchUpProjections();

        (await Feed("?country=TR")).ReadAsJson<PublicRankingList>()!.Entries.Single().Name.ShouldBe("Better Clinic");
        (await Feed("?condition=Orthopedic%20conditions")).ReadAsJson<PublicRankingList>()!.Entries.Count.ShouldBe(2);
        (await Feed("?condition=autism")).ReadAsJson<PublicRankingList>()!.Entries.ShouldBeEmpty();
        (await Feed("?country=Turkey", status: 404)).ShouldBeProblem(404);
    }

    [Fact]
    public async Task the_proposer_cannot_approve_their_own_proposal()
    {
        await ThreeApprovedClinics();
        var proposal = await Host.Propose(Approver);

        var refusal = await Host.Send(Approver, s => s.Post.Json(new ApprovalInput()).ToUrl($"/api/ranking/proposals/{proposal.Id}/approval"), 422);

        refusal.ShouldBeProblem(422).Detail!.ShouldContain("Four eyes");
        (await Host.ApproveProposal(OtherApprover, proposal.Id)).Edition.ShouldBe(1);
    }

    [Fact]
    public async Task overrides_need_a_written_reason_and_are_published_with_it()
    {
        var (good, better, _) = await ThreeApprovedClinics();
        var proposal = await Host.Propose(Staff);

        var refusal = await Host.Send(Approver, s => s.Post.Json(new ApprovalInput([new RankingOverride(good, OverrideAction.Move, 1, " ")]))
            .ToUrl($"/api/ranking/proposals/{proposal.Id}/approval"), 422);
        refusal.ShouldBeProblem(422).Reasons!.ShouldHaveSingleItem().ShouldContain("written reason");

        await Host.ApproveProposal(Approver, proposal.Id,
            new ApprovalInput([new RankingOverride(good, OverrideAction.Move, 1, "Outcome audit published after the proposal")]));
        await CatchUpProjections();

        var entries = (await Feed()).ReadAsJson<PublicRankingList>()!.Entries;
        entries.Select(x => x.ClinicId).ShouldBe([good, better]);
        entries[0].Override.ShouldBe("Outcome audit published after the proposal");
    }

    [Fact]
    public async Task racing_approvals_never_skip_or_repeat_an_edition_number()
    {
        await ThreeApprovedClinics();
        var proposals = new List<NewRankingProposal>();
        for (var i = 0; i < 3; i++) proposals.Add(await Host.Propose(Staff));

        var attempts = await Task.WhenAll(proposals.SelectMany(p => new[] { "ann-approver", "bob-approver" }.Select(approver =>
            Call(Fixture.TokenFor(approver, "approver"), s =>
            {
                s.Post.Json(new ApprovalInput()).ToUrl($"/api/ranking/proposals/{p.Id}/approval");
                s.IgnoreStatusCode();
            }))));

        attempts.Select(x => x.Context.Response.StatusCode).ShouldAllBe(x => x == 201 || x == 409);
        var numbers = attempts.Where(x => x.Context.Response.StatusCode == 201).Select(x => x.ReadAsJson<NewEdition>()!.Edition).Order().ToList();
        numbers.ShouldNotBeEmpty();
        numbers.ShouldBe(Enumerable.Range(1, numbers.Count).ToList());
        await using var session = Store.QuerySession();
        (await session.Query<RankingEdition>().CountAsync()).ShouldBe(numbers.Count);
        (await session.LoadAsync<RankingEditionCatalog>(RankingEditionCatalog.StreamId))!.Editions.Select(x => x.Edition).ShouldBe(numbers);
    }

    [Fact]
    public async Task a_clinic_suspended_after_an_edition_is_marked_at_once_and_left_out_of_the_next_proposal()
    {
        var (_, better, _) = await ThreeApprovedClinics();
        await Host.ApproveProposal(Approver, (await Host.Propose(Staff)).Id);
        await CatchUpProjections();

        await Host.PostJson(Staff, $"/api/clinics/{better}/red-flags", new RedFlagInput(RedFlagCategory.CureClaim, "New 'miracle cure' ads"));
        await CatchUpProjections();

        var marked = (await Feed()).ReadAsJson<PublicRankingList>()!.Entries.Single(x => x.ClinicId == better);
        marked.Suspended.ShouldBeTrue();
        marked.SuspensionReason.ShouldNotBeNull().ShouldContain("miracle");

        var next = await Host.GetProposal(Staff, (await Host.Propose(Staff)).Id);
        next.Computation.Ranked.ShouldNotContain(x => x.ClinicId == better);
        next.Computation.Excluded.Single(x => x.ClinicId == better).Reasons.ShouldContain(x => x.StartsWith("Suspended"));
    }

    [Fact]
    public async Task editions_are_listed_served_whole_and_announced_in_an_atom_feed()
    {
        await ThreeApprovedClinics();
        await Host.ApproveProposal(Approver, (await Host.Propose(Staff)).Id);
        await CatchUpProjections();

        var editions = (await Call(null, s => s.Get.Url("/api/public/rankings/editions"))).ReadAsJson<List<EditionSummary>>()!;
        editions.ShouldHaveSingleItem().Edition.ShouldBe(1);

        var edition = await Call(null, s => s.Get.Url("/api/public/rankings/editions/1"));
        edition.ReadAsJson<PublicEdition>()!.Overall.Count.ShouldBe(2);
        edition.Context.Response.Headers.CacheControl.ToString().ShouldContain("immutable");
        (await Call(null, s => { s.Get.Url("/api/public/rankings/editions/2"); s.StatusCodeShouldBe(404); })).ShouldBeProblem(404);

        var atom = await Call(null, s => s.Get.Url("/api/public/rankings/feed.atom"));
        atom.Context.Response.ContentType.ShouldNotBeNull().ShouldStartWith("application/atom+xml");
        XNamespace ns = "http://www.w3.org/2005/Atom";
        var feed = XDocument.Parse(atom.ReadAsText());
        var entry = feed.Root!.Elements(ns + "entry").ShouldHaveSingleItem();
        entry.Element(ns + "title")!.Value.ShouldBe("Ranking edition 1");
        entry.Element(ns + "summary")!.Value.ShouldContain("1. Better Clinic");
    }

    [Fact]
    public async Task before_any_edition_the_feed_says_so()
    {
        (await Feed(status: 404)).ShouldBeProblem(404);
    }

    [Fact]
    public async Task a_client_over_its_rate_is_told_when_to_come_back()
    {
        var limit = int.Parse(AppFixture.PublicFeedRequestsPerMinute);
        for (var i = 0; i < limit; i++)
        {
            await Host.Scenario(s =>
            {
                s.Get.Url("/api/public/rankings");
                s.ConfigureHttpContext(http => http.Connection.RemoteIpAddress = IPAddress.Parse("10.9.9.9"));
                s.IgnoreStatusCode();
            });
        }

        var limited = await Feed(status: 429, ip: "10.9.9.9");
        limited.ShouldBeProblem(429);
        int.Parse(limited.Context.Response.Headers.RetryAfter.ToString()).ShouldBeGreaterThan(0);
        await Feed(status: 404, ip: "10.9.9.10");
    }

    [Fact]
    public async Task a_paid_placement_is_labelled_apart_and_moves_nobody()
    {
        var (good, better, _) = await ThreeApprovedClinics();
        await Host.PostJson(Approver, $"/api/clinics/{good}/sponsored-placements",
            new SponsoredPlacementInput("Featured partner", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30)));
        await Host.ApproveProposal(Approver, (await Host.Propose(Staff)).Id);
        await CatchUpProjections();

        var list = (await Feed()).ReadAsJson<PublicRankingList>()!;
        list.Entries.Select(x => x.ClinicId).ShouldBe([better, good]);
        var sponsored = list.Sponsored.ShouldHaveSingleItem();
        sponsored.ClinicId.ShouldBe(good);
        sponsored.Disclosure.ShouldContain("Not part of the merit ranking");
    }

    [Fact]
    public async Task a_paid_placement_leaves_the_feed_when_its_period_ends_though_no_event_says_so()
    {
        var (good, _, _) = await ThreeApprovedClinics();
        await Host.ApproveProposal(Approver, (await Host.Propose(Staff)).Id);
        // The feed's answers are kept by revision; the placement's end is a time, not an event, and must still end it.
        var until = DateTimeOffset.UtcNow.AddSeconds(3);
        await Host.PostJson(Approver, $"/api/clinics/{good}/sponsored-placements",
            new SponsoredPlacementInput("Featured partner", DateTimeOffset.UtcNow.AddDays(-1), until));
        await CatchUpProjections();

        var during = await Feed();
        during.ReadAsJson<PublicRankingList>()!.Sponsored.ShouldHaveSingleItem().ClinicId.ShouldBe(good);

        await Task.Delay(until - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        var after = await Feed();
        after.ReadAsJson<PublicRankingList>()!.Sponsored.ShouldBeEmpty();
        after.Context.Response.Headers.ETag.ToString().ShouldNotBe(during.Context.Response.Headers.ETag.ToString());
    }

    [Fact]
    public async Task efficiency_measurements_count_in_the_score()
    {
        var (good, _, _) = await ThreeApprovedClinics();
        var before = (await Host.GetProposal(Staff, (await Host.Propose(Staff)).Id)).Computation.Ranked.Single(x => x.ClinicId == good);

        await Host.PostJson(Booking, $"/api/clinics/{good}/efficiency/inquiry-responses", new InquiryResponseInput(3, Fixture.Clock.Now.AddDays(-2)));
        await Host.PostJson(Staff, $"/api/clinics/{good}/efficiency/follow-ups",
            new FollowUpCompletionInput(20, 19, Fixture.Clock.Today.AddDays(-90), Fixture.Clock.Today));
        var after = (await Host.GetProposal(Staff, (await Host.Propose(Staff)).Id)).Computation.Ranked.Single(x => x.ClinicId == good);

        after.Factors.Single(x => x.Factor == RankingFactor.Efficiency).Value.ShouldBe(Math.Round((1m + 0.95m) / 2, 6));
        after.Score.ShouldBeGreaterThan(before.Score);
    }

    [Fact]
    public async Task the_public_ranking_rebuilt_from_scratch_equals_the_live_one()
    {
        var (_, better, _) = await ThreeApprovedClinics();
        await Host.ApproveProposal(Approver, (await Host.Propose(Staff)).Id);
        await Host.PostJson(Staff, $"/api/clinics/{better}/red-flags", new RedFlagInput(RedFlagCategory.Other, "Complaint under review"));
        await CatchUpProjections();
        string Json(PublicRanking x) => JsonSerializer.Serialize(x);

        await using var before = Store.QuerySession();
        var live = Json((await before.LoadAsync<PublicRanking>(PublicRanking.CurrentId))!);

        using var daemon = await Store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync<PublicRankingProjection>(CancellationToken.None);

        await using var after = Store.QuerySession();
        Json((await after.LoadAsync<PublicRanking>(PublicRanking.CurrentId))!).ShouldBe(live);
    }
}
