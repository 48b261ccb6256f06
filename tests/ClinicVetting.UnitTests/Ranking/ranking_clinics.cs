using ClinicVetting.Clinics;
using ClinicVetting.Ranking;

namespace ClinicVetting.UnitTests.Ranking;

public class ranking_clinics
{
    private static readonly DateTimeOffset AsOf = new(2030, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(AsOf.UtcDateTime);
    private static readonly RankingPolicy Policy = RankingPolicy.Default;

    private static ClinicRankingInput Clinic(string name, int reviews = 40, double mean = 4.5, int accreditations = 2, int years = 10,
        string country = "MX", string[]? bestFor = null, Guid? id = null) => new(
        id ?? Guid.NewGuid(), name, "City", country, country, bestFor ?? ["orthopedics"], new CostRange(1000, 5000), years,
        VettingApproved: true, ApprovedAt: AsOf.AddDays(-100), Suspensions: [], OpenRedFlags: 0,
        RegulatorLicenses: [new ValidityWindow(Today.AddYears(-1), Today.AddYears(1))],
        Accreditations: Enumerable.Range(0, accreditations).Select(i => new AccreditationFact($"Issuer {i}", new ValidityWindow(Today.AddYears(-1), Today.AddYears(1)))).ToList(),
        Programs: [new ProgramFact("Knee", "orthopedics", ["Consultation", "Hotel", "Transfers", "Follow-up calls"], true)],
        VerifiedReviews: reviews, VerifiedRatingSum: (long)Math.Round(reviews * mean), LatestReviewAt: AsOf.AddDays(-3),
        InquiryResponses: [new InquiryResponse(6, MeasurementSource.Staff, AsOf.AddDays(-20))],
        FollowUps: [new FollowUpCompletion(10, 9, Today.AddDays(-30), AsOf.AddDays(-20))]);

    private static RankingComputation Rank(params ClinicRankingInput[] clinics) => RankingCalculator.Rank(clinics, Policy, AsOf);

    [Fact]
    public void three_perfect_reviews_do_not_beat_three_hundred_good_ones()
    {
        var fewPerfect = Clinic("Few Perfect", reviews: 5, mean: 5.0);
        var manyGood = Clinic("Many Good", reviews: 300, mean: 4.5);
        var average = Clinic("Average", reviews: 100, mean: 3.0);

        var ranking = Rank(fewPerfect, manyGood, average);

        ranking.Ranked.Select(x => x.Name).ShouldBe(["Many Good", "Few Perfect", "Average"]);
        ranking.Ranked[0].ReviewScore.ShouldNotBeNull().ShouldBeGreaterThan(ranking.Ranked[1].ReviewScore!.Value);
    }

    [Fact]
    public void each_factor_has_its_value_weight_and_share_of_the_score()
    {
        var ranked = Rank(Clinic("A")).Ranked.Single();

        ranked.Factors.Select(x => x.Factor).ShouldBe(Enum.GetValues<RankingFactor>());
        ranked.Factors.Sum(x => x.Points).ShouldBe(ranked.Score);
        ranked.Factors.Sum(x => x.Share).ShouldBe(1m, tolerance: 0.001m);
        ranked.Factors.Single(x => x.Factor == RankingFactor.Accreditations).Value.ShouldBe(Math.Round(2m / 3m, 6));
        ranked.Factors.Single(x => x.Factor == RankingFactor.TreatmentPrograms).Value.ShouldBe(0.76m);
        ranked.Factors.ShouldAllBe(x => x.Basis.Length > 0);
    }

    [Fact]
    public void ineligible_clinics_are_listed_with_every_reason()
    {
        var weak = Clinic("Weak", reviews: 3, years: 0) with
        {
            VettingApproved = false,
            OpenRedFlags = 1,
            Suspensions = ["The license lapsed on 2030-05-01."],
            RegulatorLicenses = [new ValidityWindow(Today.AddYears(-3), Today.AddDays(-31))],
            Accreditations = [new AccreditationFact("JCI", new ValidityWindow(Today.AddYears(-3), Today.AddDays(-1)))],
        };

        var excluded = Rank(weak).Excluded.ShouldHaveSingleItem();

        excluded.Reasons.Count.ShouldBe(7);
        excluded.Reasons.ShouldContain("Not approved by vetting.");
        excluded.Reasons.ShouldContain("3 verified published review(s); at least 5 needed.");
        excluded.Reasons.ShouldContain(x => x.Contains("license") && x.Contains("2030-06-01"));
    }

    [Fact]
    public void validity_is_judged_at_the_ranking_instant()
    {
        var lapsing = Clinic("Lapsing") with { RegulatorLicenses = [new ValidityWindow(Today.AddYears(-1), Today.AddDays(10))] };

        Rank(lapsing).Ranked.ShouldHaveSingleItem();
        RankingCalculator.Rank([lapsing], Policy, AsOf.AddDays(11)).Excluded.ShouldHaveSingleItem();
    }

    [Fact]
    public void a_tie_is_broken_by_the_policy_tie_breaks_in_order_and_says_so()
    {
        var a = Clinic("Alpha", years: 10);
        var b = Clinic("Beta", years: 20);

        var ranking = Rank(a, b);

        ranking.Ranked[0].Score.ShouldBe(ranking.Ranked[1].Score);
        ranking.Ranked.Select(x => x.Name).ShouldBe(["Beta", "Alpha"]);
        ranking.Ranked[1].TieBreak.ShouldNotBeNull().ShouldContain(nameof(TieBreak.MoreYearsOfExperience));
        ranking.Ranked[0].TieBreak.ShouldBeNull();
    }

    [Fact]
    public void a_tie_at_position_ten_decides_who_makes_the_list()
    {
        var clinics = Enumerable.Range(1, 9).Select(i => Clinic($"Leader {i}", reviews: 100 + i, mean: 4.9)).ToList();
        var olderClinic = Clinic("Zeta Old", years: 30);
        var youngerClinic = Clinic("Eta Young", years: 5);
        clinics.Add(youngerClinic);
        clinics.Add(olderClinic);

        var lists = RankingLists.Build(RankingCalculator.Rank(clinics, Policy, AsOf), [], Policy.ListSize);

        lists.Overall.Count.ShouldBe(10);
        lists.Overall[9].Name.ShouldBe("Zeta Old");
        lists.Overall.ShouldNotContain(x => x.Name == "Eta Young");
    }

    [Fact]
    public void identical_clinics_are_ordered_by_id_so_the_order_is_total()
    {
        var first = Guid.Parse("00000000-0000-0000-0000-000000000001");
        var second = Guid.Parse("00000000-0000-0000-0000-000000000002");

        Rank(Clinic("Same", id: second), Clinic("Same", id: first)).Ranked.Select(x => x.ClinicId).ShouldBe([first, second]);
    }

    [Fact]
    public void the_same_inputs_rank_the_same_whatever_their_order()
    {
        var clinics = Enumerable.Range(0, 30).Select(i => Clinic($"C{i}", reviews: 5 + i * 7 % 50, mean: 3 + i % 5 * 0.4, accreditations: i % 4)).ToArray();

        var forward = Rank(clinics);
        var backward = Rank(clinics.Reverse().ToArray());

        backward.Ranked.Select(x => (x.Rank, x.ClinicId, x.Score)).ShouldBe(forward.Ranked.Select(x => (x.Rank, x.ClinicId, x.Score)));
    }

    [Fact]
    public void per_condition_and_per_country_lists_keep_the_merit_order()
    {
        var mx = Clinic("MX ortho", reviews: 200, country: "MX", bestFor: ["orthopedics", "diabetes"]);
        var tr = Clinic("TR ortho", reviews: 100, country: "TR", bestFor: ["orthopedics"]);
        var th = Clinic("TH hair", reviews: 50, country: "TH", bestFor: ["hair-loss"]);

        var lists = RankingLists.Build(Rank(mx, tr, th), [], 10);

        lists.ByCondition["orthopedics"].Select(x => x.Name).ShouldBe(["MX ortho", "TR ortho"]);
        lists.ByCondition["orthopedics"].Select(x => x.Rank).ShouldBe([1, 2]);
        lists.ByCondition["hair-loss"].Single().Rank.ShouldBe(1);
        lists.ByCountry["TR"].Single().Name.ShouldBe("TR ortho");
    }

    [Fact]
    public void an_override_moves_or_removes_a_clinic_with_its_reason()
    {
        var a = Clinic("A", reviews: 300);
        var b = Clinic("B", reviews: 200);
        var c = Clinic("C", reviews: 100);

        var lists = RankingLists.Build(Rank(a, b, c),
        [
            new RankingOverride(c.ClinicId, OverrideAction.Move, 1, "Verified outcome data the policy does not yet weigh"),
            new RankingOverride(a.ClinicId, OverrideAction.Remove, null, "Pending investigation of a complaint"),
        ], 10);

        lists.Overall.Select(x => x.Name).ShouldBe(["C", "B"]);
        lists.Overall[0].Override.ShouldBe("Verified outcome data the policy does not yet weigh");
        lists.ByCondition["orthopedics"].Select(x => x.Name).ShouldBe(["B", "C"]);
    }

    [Fact]
    public void efficiency_counts_only_measurements_inside_the_window()
    {
        var measured = Clinic("Measured");
        var stale = measured with
        {
            ClinicId = Guid.NewGuid(),
            InquiryResponses = [new InquiryResponse(6, MeasurementSource.Staff, AsOf.AddDays(-400))],
            FollowUps = [],
        };

        var ranking = Rank(measured, stale);

        ranking.Ranked.Single(x => x.ClinicId == stale.ClinicId).Factors.Single(x => x.Factor == RankingFactor.Efficiency).Value.ShouldBe(0);
        ranking.Ranked.Single(x => x.ClinicId == measured.ClinicId).Factors.Single(x => x.Factor == RankingFactor.Efficiency).Value
            .ShouldBe(Math.Round(((72m - 6m) / 68m + 0.9m) / 2, 6));
    }
}
