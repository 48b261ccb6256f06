using Alba;
using ClinicVetting.Audit;
using ClinicVetting.IntegrationTests.Ranking;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Ranking;
using Marten;
using Npgsql;

namespace ClinicVetting.IntegrationTests.Audit;

public class replaying_editions(AppFixture fixture) : IntegrationContext(fixture)
{
    private async Task<(Guid Good, Guid Better)> AnEdition()
    {
        var good = await Host.AnApprovedClinic(Fixture, "Good Clinic", [4, 4, 5, 4, 4, 5, 4], "MX");
        var better = await Host.AnApprovedClinic(Fixture, "Better Clinic", [5, 5, 5, 4, 5, 5, 5, 5], "TR", "Turkish Ministry of Health");
        await Host.PostJson(Booking, $"/api/clinics/{good}/efficiency/inquiry-responses", new InquiryResponseInput(5, Fixture.Clock.Now.AddDays(-1)));
        var proposal = await Host.Propose(Staff);
        await Host.ApproveProposal(Approver, proposal.Id);
        return (good, better);
    }

    private async Task<ReplayReport> Replay(int edition = 1) =>
        (await Host.Send(Auditor, s => s.Get.Url($"/api/audit/editions/{edition}/replay"))).ReadAsJson<ReplayReport>()!;

    [Fact]
    public async Task an_untouched_log_replays_to_the_published_edition_bit_for_bit()
    {
        var (good, _) = await AnEdition();
        // Later events must not leak into the replay of an earlier position.
        await Host.Reviews(Fixture, good, [1, 1, 1, 1, 1, 1, 1, 1]);

        var report = await Replay();

        report.Matches.ShouldBeTrue();
        report.ProposalMatches.ShouldBeTrue();
        report.ReplayedHash.ShouldBe(report.PublishedHash);
        report.Differences.ShouldBeEmpty();
        var inputs = report.Inputs.Single(x => x.ClinicId == good).EventsBehind;
        inputs[nameof(RankingFactor.PatientReviews)].Count.ShouldBeGreaterThanOrEqualTo(14);
        inputs[nameof(RankingFactor.Efficiency)].ShouldHaveSingleItem().User.ShouldBe("booking-system");
        inputs[nameof(RankingFactor.Accreditations)].ShouldHaveSingleItem().Type.ShouldBe("accreditation_claimed");
        inputs["Eligibility"].ShouldContain(x => x.Type == "clinic_vetting_approved" && x.User == "olivia-approver");
        inputs.Values.SelectMany(x => x).ShouldAllBe(x => x.Sequence <= report.LogPosition);
    }

    [Fact]
    public async Task a_rating_changed_behind_the_applications_back_shows_as_exact_differences()
    {
        var (good, _) = await AnEdition();

        await using (var connection = new NpgsqlConnection(Fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var tamper = new NpgsqlCommand("""
                update clinicvetting.mt_events set data = jsonb_set(data, '{rating}', '1')
                where id = (select id from clinicvetting.mt_events
                            where type = 'review_submitted' and data ->> 'clinicId' = @clinic order by seq_id limit 1)
                """, connection);
            tamper.Parameters.AddWithValue("clinic", good.ToString());
            (await tamper.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        var report = await Replay();

        report.Matches.ShouldBeFalse();
        report.ReplayedHash.ShouldNotBe(report.PublishedHash);
        var differences = report.Differences.Where(x => x.List == "overall" && x.ClinicId == good).ToList();
        differences.Select(x => x.Field).ShouldContain("reviewScore");
        differences.Select(x => x.Field).ShouldContain("PatientReviews.value");
        var score = differences.Single(x => x.Field == "reviewScore");
        decimal.Parse(score.Replayed!, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeLessThan(decimal.Parse(score.Published!, System.Globalization.CultureInfo.InvariantCulture));
        report.ProposalMatches.ShouldBeFalse();
    }

    [Fact]
    public async Task an_edition_published_before_ties_were_recorded_still_replays_bit_for_bit()
    {
        int[] ratings = [5, 4, 5, 4, 5, 5, 4];
        await Host.AnApprovedClinic(Fixture, "First Tied Clinic", ratings);
        await Host.AnApprovedClinic(Fixture, "Second Tied Clinic", ratings);
        var proposalId = (await Host.Propose(Staff)).Id;

        // Published as the code before tie notes did: no tie-breaks on the event, no tiedWith on an entry.
        await using (var session = Store.LightweightSession())
        {
            var proposal = (await session.LoadAsync<RankingProposal>(proposalId))!;
            proposal.Computation.Ranked.ShouldAllBe(x => x.TiedWith!.Count == 1);
            var lists = RankingLists.WithoutTies(RankingLists.Build(proposal.Computation, [], RankingPolicy.Default.ListSize));
            (await session.Events.FetchForWriting<RankingProposal>(proposalId))
                .AppendOne(new RankingProposalApproved(proposalId, 1, [], "arthur-approver", Fixture.Clock.Now));
            (await session.Events.FetchForWriting<RankingEditionCatalog>(RankingEditionCatalog.StreamId))
                .AppendOne(new RankingEditionPublished(1, proposalId, proposal.PolicyVersion, proposal.LogPosition, proposal.AsOf, lists, [],
                    proposal.ProposedBy, "arthur-approver", Fixture.Clock.Now));
            await session.SaveChangesAsync();
        }

        var report = await Replay();

        report.Matches.ShouldBeTrue(string.Join("; ", report.Differences));
        report.ReplayedHash.ShouldBe(report.PublishedHash);
    }

    [Fact]
    public async Task an_unknown_edition_is_a_404()
    {
        (await Host.Send(Auditor, s => s.Get.Url("/api/audit/editions/7/replay"), 404)).ShouldBeProblem(404);
    }

    [Fact]
    public async Task what_if_ranks_the_same_inputs_under_another_policy_and_writes_nothing()
    {
        var (good, better) = await AnEdition();
        var events = await DomainEventCount();
        var efficiencyOnly = RankingPolicy.Default with
        {
            Weights = [new(RankingFactor.Efficiency, 1m), new(RankingFactor.PatientReviews, 0m), new(RankingFactor.Accreditations, 0m),
                new(RankingFactor.TreatmentPrograms, 0m)],
        };

        var report = (await Host.Send(Auditor, s => s.Post.Json(new WhatIfInput(Policy: efficiencyOnly)).ToUrl("/api/audit/editions/1/what-if")))
            .ReadAsJson<WhatIfReport>()!;

        // Only the good clinic was ever measured: under an efficiency-only policy the better one scores nothing.
        report.WhatIf.Select(x => x.ClinicId).ShouldBe([good, better]);
        var goodMoved = report.Published.Single(x => x.ClinicId == good).Rank - 1;
        report.Movements.Single(x => x.ClinicId == good).Moved.ShouldBe(goodMoved);
        report.WhatIf[1].Score.ShouldBe(0);
        (await DomainEventCount()).ShouldBe(events);

        var samePolicy = (await Host.Send(Auditor, s => s.Post.Json(new WhatIfInput(PolicyVersion: 1)).ToUrl("/api/audit/editions/1/what-if")))
            .ReadAsJson<WhatIfReport>()!;
        samePolicy.Movements.ShouldAllBe(x => x.Moved == 0);
    }

    [Fact]
    public async Task what_if_refuses_a_missing_or_nonsensical_policy()
    {
        await AnEdition();
        (await Host.Send(Auditor, s => s.Post.Json(new WhatIfInput(PolicyVersion: 9)).ToUrl("/api/audit/editions/1/what-if"), 404)).ShouldBeProblem(404);
        (await Host.Send(Auditor, s => s.Post.Json(new WhatIfInput()).ToUrl("/api/audit/editions/1/what-if"), 400)).ShouldBeProblem(400);
        var broken = RankingPolicy.Default with { Weights = [new(RankingFactor.Efficiency, 3m)] };
        (await Host.Send(Auditor, s => s.Post.Json(new WhatIfInput(Policy: broken)).ToUrl("/api/audit/editions/1/what-if"), 400))
            .ShouldBeProblem(400).Errors!.Keys.ShouldContain("policy.weights");
    }
}
