using ClinicVetting.Ranking;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.UnitTests.Vetting;

public class publishing_reference_data
{
    private static RegulatorDirectory Directory()
    {
        var directory = new RegulatorDirectory();
        foreach (var regulator in RegulatorDirectory.Seed)
        {
            directory.Apply(new RegulatorRecorded(regulator, "Seed"));
        }

        return directory;
    }

    [Fact]
    public void a_regulator_is_recorded_trimmed_with_each_alias_once_whatever_its_case()
    {
        var recorded = RecordRegulatorHandler.Decide(Directory(), "MX",
            new RegulatorInput("  Federal Commission for Protection against Sanitary Risks ", " COFEPRIS ", " https://www.gob.mx/cofepris ", null,
                null, "  New aliases  ", [" Comisión Federal ", "comisión federal", "CFPRS"]), "alma-approver", Given.Now).ShouldNotBeNull();

        recorded.Regulator.ShouldBe(new Regulator("MX", "Federal Commission for Protection against Sanitary Risks", "COFEPRIS",
            "https://www.gob.mx/cofepris", null, null, recorded.Regulator.Aliases));
        recorded.Regulator.Aliases.ShouldBe(["Comisión Federal", "CFPRS"]);
        (recorded.Reason, recorded.RecordedBy, recorded.RecordedAt).ShouldBe(("New aliases", "alma-approver", Given.Now));
    }

    [Fact]
    public void the_regulator_on_file_sent_again_with_spaces_records_nothing()
    {
        var onFile = Given.RegulatorOf("KR")!;
        var resent = new RegulatorInput($" {onFile.Authority} ", onFile.Acronym, onFile.RegistryUrl, onFile.RegistryApiUrl, onFile.Notes, "Same",
            onFile.Aliases!.Select(x => $"{x} ").ToList());

        RecordRegulatorHandler.Decide(Directory(), "KR", resent, "alma-approver", Given.Now).ShouldBeNull();
        RecordRegulatorHandler.Decide(null, "KR", resent, "alma-approver", Given.Now).ShouldNotBeNull();
    }

    [Fact]
    public void vetting_rules_store_their_conditions_as_catalog_codes_and_the_rules_in_force_again_record_nothing()
    {
        var current = new CurrentVettingRules();
        var sent = new PublishVettingRulesInput(Given.Rules with
        {
            UsApprovedConditions = ["Blood disorders", "bone marrow transplants"],
            UsConditionsWithoutApprovedTherapy = ["Knee osteoarthritis"],
        }, " Labels in place of codes ");

        var published = PublishVettingRulesHandler.Decide(current, sent, "alma-approver", Given.Now).ShouldNotBeNull();

        published.Rules.UsApprovedConditions.ShouldBe(["blood-disorders", "bone-marrow-transplant"]);
        published.Rules.UsConditionsWithoutApprovedTherapy.ShouldBe(["orthopedics"]);
        (published.Reason, published.PublishedBy, published.PublishedAt).ShouldBe(("Labels in place of codes", "alma-approver", Given.Now));

        current.Apply(published);
        PublishVettingRulesHandler.Decide(current, sent, "bert-approver", Given.Now.AddDays(1)).ShouldBeNull();
    }

    [Fact]
    public void the_ranking_policy_in_force_again_records_nothing_and_another_is_published_with_its_reason()
    {
        var current = new CurrentRankingPolicy();
        current.Apply(new RankingPolicyPublished(RankingPolicy.Default, "First"));

        PublishRankingPolicyHandler.Decide(current, new PublishRankingPolicyInput(RankingPolicy.Default, "Again")).ShouldBeNull();

        var longer = RankingPolicy.Default with { ListSize = 20 };
        var published = PublishRankingPolicyHandler.Decide(current, new PublishRankingPolicyInput(longer, "  Top 20 "));
        published.ShouldBe(new RankingPolicyPublished(longer, "Top 20"));
    }
}
