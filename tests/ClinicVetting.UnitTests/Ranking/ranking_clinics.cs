using ClinicVetting.Clinics;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using CsCheck;

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
        VerifiedStars: Stars(reviews, mean), LatestReviewAt: AsOf.AddDays(-3),
        InquiryResponses: [new InquiryResponse(6, MeasurementSource.Staff, AsOf.AddDays(-20))],
        FollowUps: [new FollowUpCompletion(10, 9, Today.AddDays(-30), AsOf.AddDays(-20))]);

    /// <summary>Reviews of the two star ratings around the mean (4.5: half fours, half fives).</summary>
    private static StarCounts Stars(int reviews, double mean)
    {
        var lower = Math.Clamp((int)Math.Floor(mean), 1, 5);
        var higher = (int)Math.Round(reviews * (mean - lower));
        var counts = StarCounts.None;
        for (var i = 0; i < reviews; i++) counts = counts.Count(i < higher ? Math.Min(lower + 1, 5) : lower);
        return counts;
    }

    private static RankingComputation Rank(params ClinicRankingInput[] clinics) => RankingCalculator.Rank(clinics, Policy, AsOf);

    [Fact]
    public void six_perfect_reviews_do_not_outrank_three_hundred_good_ones_among_highly_rated_clinics()
    {
        // An unlucky population: every other clinic is rated higher than the good one's 4.5.
        var fewPerfect = Clinic("Few Perfect", reviews: 6, mean: 5.0);
        var manyGood = Clinic("Many Good", reviews: 300, mean: 4.5);
        var stars = Enumerable.Range(1, 10).Select(i => Clinic($"Star {i}", reviews: 50 + i, mean: 4.8, accreditations: 0, years: 2)).ToArray();

        var ranking = Rank([fewPerfect, manyGood, .. stars]);

        var good = ranking.Ranked.Single(x => x.Name == "Many Good");
        var perfect = ranking.Ranked.Single(x => x.Name == "Few Perfect");
        good.Rank.ShouldBeLessThan(perfect.Rank);
        good.ReviewScore.ShouldNotBeNull().ShouldBeGreaterThan(perfect.ReviewScore!.Value);
    }

    [Fact]
    public void few_perfect_reviews_never_outrank_many_good_ones_whatever_the_other_clinics()
    {
        var population = Gen.Select(Gen.Int[5, 400], Gen.Int[0, 100]).Select(x => (Reviews: x.Item1, Mean: 3.0 + x.Item2 / 50.0)).Array[0, 30];
        Gen.Select(Gen.Int[5, 10], Gen.Int[50, 2_000], population).Sample(x =>
        {
            var (perfect, good, others) = x;
            var fewPerfect = Clinic("Few Perfect", reviews: perfect, mean: 5.0);
            var manyGood = Clinic("Many Good", reviews: good, mean: 4.5);

            var ranking = Rank([fewPerfect, manyGood, .. others.Select((o, i) => Clinic($"Other {i}", o.Reviews, o.Mean))]);

            ranking.Ranked.Single(r => r.Name == "Many Good").Rank
                .ShouldBeLessThan(ranking.Ranked.Single(r => r.Name == "Few Perfect").Rank, $"{perfect} perfect, {good} good, others {string.Join(" ", others)}");
        }, iter: 300);
    }

    [Fact]
    public void a_clinics_review_score_does_not_depend_on_the_other_clinics()
    {
        var clinic = Clinic("Alone", reviews: 37, mean: 4.3);
        var alone = Rank(clinic).Ranked.Single().ReviewScore;

        var crowd = Enumerable.Range(0, 20).Select(i => Clinic($"Crowd {i}", reviews: 500, mean: i % 2 == 0 ? 5.0 : 1.0)).ToArray();
        Rank([clinic, .. crowd]).Ranked.Single(x => x.Name == "Alone").ReviewScore.ShouldBe(alone);
    }

    [Fact]
    public void a_policy_of_the_retired_bayesian_average_still_ranks_as_it_did_so_its_editions_replay()
    {
        // Policy version 1 as stored before the credible bound: {priorWeight: 20, priorMean: null, minimumCount: 5}.
        var retired = Policy with { Reviews = new ReviewScoring(MinimumCount: 5, PriorWeight: 20, PriorMean: null) };
        var clinic = Clinic("Rated", reviews: 10, mean: 5.0);
        var other = Clinic("Other", reviews: 10, mean: 4.0);

        var ranking = RankingCalculator.Rank([clinic, other], retired, AsOf);

        ranking.ReviewPriorMean.ShouldBe(4.5m);
        ranking.Ranked.Single(x => x.Name == "Rated").ReviewScore.ShouldBe(4.666667m);
        Rank(clinic, other).ReviewPriorMean.ShouldBeNull();
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
    public void a_policy_stored_before_the_credible_bound_reads_as_the_retired_average()
    {
        var stored = """{"minimumCount": 5, "priorWeight": 20, "priorMean": null}""";

        var scoring = System.Text.Json.JsonSerializer.Deserialize<ReviewScoring>(stored, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;

        scoring.Parameters.ShouldBeNull();
        (scoring.PriorWeight, scoring.MinimumCount).ShouldBe((20m, 5));
        Policy.Reviews.Parameters.ShouldNotBeNull();
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
        ranking.Ranked[0].TiedWith.ShouldBe([new TiedClinic(a.ClinicId, "Alpha", 2, TieSide.Above, TieRule.MoreYearsOfExperience)]);
        ranking.Ranked[1].TiedWith.ShouldBe([new TiedClinic(b.ClinicId, "Beta", 1, TieSide.Below, TieRule.MoreYearsOfExperience)]);
        ranking.TieBreaks.ShouldBe(Policy.TieBreaks);
    }

    [Fact]
    public void each_clinic_of_a_three_way_tie_names_the_other_two_and_the_rule_between_them()
    {
        // Accreditations beyond the cap of 3 add no points, so these three score alike; the tie-breaks tell them apart.
        var accredited = Clinic("Four accreditations", accreditations: 4, years: 5);
        var older = Clinic("Older", accreditations: 3, years: 20);
        var younger = Clinic("Younger", accreditations: 3, years: 5);
        var untied = Clinic("Untied", reviews: 300, mean: 4.9);

        var ranking = Rank(younger, older, untied, accredited);

        ranking.Ranked.Single(x => x.Name == "Untied").TiedWith.ShouldBeNull();
        var tied = ranking.Ranked.Where(x => x.Name != "Untied").ToList();
        tied.Select(x => x.Score).Distinct().ShouldHaveSingleItem();
        tied.Select(x => x.Name).ShouldBe(["Four accreditations", "Older", "Younger"]);
        tied[0].TiedWith!.Select(x => (x.Name, x.ThisClinic, x.DecidedBy))
            .ShouldBe([("Older", TieSide.Above, TieRule.MoreAccreditations), ("Younger", TieSide.Above, TieRule.MoreAccreditations)]);
        tied[1].TiedWith!.Select(x => (x.Name, x.ThisClinic, x.DecidedBy))
            .ShouldBe([("Four accreditations", TieSide.Below, TieRule.MoreAccreditations), ("Younger", TieSide.Above, TieRule.MoreYearsOfExperience)]);
        tied[2].TiedWith!.Select(x => (x.Name, x.Rank, x.ThisClinic)).ShouldBe([("Four accreditations", 1, TieSide.Below), ("Older", 2, TieSide.Below)]);
    }

    [Fact]
    public void every_tie_break_of_a_policy_is_a_rule_a_tie_can_name()
    {
        Enum.GetValues<TieBreak>().Select(x => TieBreakComparer.Rule(x).ToString()).ShouldBe(Enum.GetNames<TieBreak>());
        TieBreakComparer.Rule(null).ShouldBe(TieRule.ClinicId);
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
        // The clinic left out by the tie is named, without a rank, with the rule that left it out.
        lists.Overall[9].TiedWith.ShouldBe([new TiedClinic(youngerClinic.ClinicId, "Eta Young", null, TieSide.Above, TieRule.MoreYearsOfExperience)]);
        lists.Overall.Take(9).ShouldAllBe(x => x.TiedWith == null);
    }

    [Fact]
    public void identical_clinics_are_ordered_by_id_so_the_order_is_total()
    {
        var first = Guid.Parse("00000000-0000-0000-0000-000000000001");
        var second = Guid.Parse("00000000-0000-0000-0000-000000000002");

        var ranked = Rank(Clinic("Same", id: second), Clinic("Same", id: first)).Ranked;

        ranked.Select(x => x.ClinicId).ShouldBe([first, second]);
        ranked[0].TiedWith!.ShouldHaveSingleItem().DecidedBy.ShouldBe(TieRule.ClinicId);
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
    public void a_tie_shows_in_each_list_with_the_tied_clinics_of_that_list_and_their_rank_there()
    {
        var leader = Clinic("Leader", reviews: 500, mean: 4.9, country: "MX");
        var mx = Clinic("MX tied", years: 30, country: "MX");
        var tr = Clinic("TR tied", years: 20, country: "TR");

        var lists = RankingLists.Build(Rank(leader, mx, tr), [], 10);

        lists.Overall.Select(x => x.Name).ShouldBe(["Leader", "MX tied", "TR tied"]);
        lists.Overall[1].TiedWith!.ShouldHaveSingleItem().ShouldBe(new TiedClinic(tr.ClinicId, "TR tied", 3, TieSide.Above, TieRule.MoreYearsOfExperience));
        lists.Overall[2].TiedWith!.ShouldHaveSingleItem().Rank.ShouldBe(2);
        // Alone in their countries' lists, they were tied with nobody there.
        lists.ByCountry["MX"].Select(x => (x.Name, x.TiedWith)).ShouldBe([("Leader", null), ("MX tied", null)]);
        lists.ByCountry["TR"].Single().TiedWith.ShouldBeNull();
        lists.ByCondition["orthopedics"][2].TiedWith!.ShouldHaveSingleItem().Rank.ShouldBe(2);
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
