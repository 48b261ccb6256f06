using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.UnitTests.Vetting;

public class the_automatic_checks
{
    private static IReadOnlyList<Finding> Blocking(AutomaticOutcome outcome, CheckKind check) =>
        outcome.Findings[check].Where(x => x.Blocking).ToList();

    private static Finding SingleBlocking(AutomaticOutcome outcome, CheckKind check) => Blocking(outcome, check).ShouldHaveSingleItem();

    [Fact]
    public void a_clinic_whose_claims_hold_up_has_no_blocking_finding_and_no_red_flag()
    {
        var outcome = Given.Evaluate(Given.CleanClaims());

        outcome.Findings.Values.SelectMany(x => x).Where(x => x.Blocking).ShouldBeEmpty();
        outcome.RedFlags.ShouldBeEmpty();
    }

    [Fact]
    public void a_country_without_a_regulator_on_file_cannot_pass_the_license_check()
    {
        var claims = Given.CleanClaims("BR");

        var finding = SingleBlocking(AutomaticChecks.Evaluate(claims, "Brazil", regulator: null, Given.Rules, Given.Now), CheckKind.License);

        finding.Code.ShouldBe("no-regulator");
        finding.Message.ShouldContain("Brazil");
    }

    [Fact]
    public void a_license_from_another_authority_does_not_count()
    {
        var claims = Given.CleanClaims();
        claims.Licenses[0] = claims.Licenses[0] with { IssuedBy = "Chamber of Commerce" };

        SingleBlocking(Given.Evaluate(claims), CheckKind.License).Code.ShouldBe("license-wrong-authority");
    }

    [Fact]
    public void an_expired_license_fails_the_license_check()
    {
        var claims = Given.CleanClaims();
        claims.Licenses[0] = claims.Licenses[0] with { ValidUntil = Given.Today.AddDays(-1) };

        SingleBlocking(Given.Evaluate(claims), CheckKind.License).Code.ShouldBe("license-not-valid");
    }

    [Theory]
    [InlineData("Federal Commission for Protection against Sanitary Risks (COFEPRIS)")]
    [InlineData("cofepris")]
    [InlineData("C.O.F.E.P.R.I.S.")]
    [InlineData("Comisión Federal para la Protección contra Riesgos Sanitarios")]
    [InlineData("the federal commission for protection against sanitary risks")]
    public void the_regulator_is_recognised_by_name_or_acronym(string issuedBy)
    {
        var claims = Given.CleanClaims();
        claims.Licenses[0] = claims.Licenses[0] with { IssuedBy = issuedBy };

        Blocking(Given.Evaluate(claims), CheckKind.License).ShouldBeEmpty();
    }

    private static IReadOnlyList<Finding> LicenseFindingsOfAnIsraeliClinicLicensedBy(string issuedBy, Regulator? regulator = null)
    {
        var claims = Given.CleanClaims("IL");
        claims.Licenses[0] = claims.Licenses[0] with { IssuedBy = issuedBy };
        return Blocking(AutomaticChecks.Evaluate(claims, "Israel", regulator ?? Given.RegulatorOf("IL"), Given.Rules, Given.Now), CheckKind.License);
    }

    [Theory]
    [InlineData("Turkish Ministry of Health")]
    [InlineData("Ministry")]
    [InlineData("Health")]
    [InlineData("Ministry of Health and Welfare")]
    [InlineData("Polish Ministry of Health")]
    [InlineData("Ministry of Health (COFEPRIS)")]
    [InlineData("...")]
    public void an_israeli_license_from_another_authority_or_a_part_of_its_name_is_a_finding_naming_the_regulator(string issuedBy)
    {
        var finding = LicenseFindingsOfAnIsraeliClinicLicensedBy(issuedBy).ShouldHaveSingleItem();

        finding.Code.ShouldBe("license-wrong-authority");
        finding.Message.ShouldContain($"\"{issuedBy}\", not by Ministry of Health, the regulator on file for Israel");
    }

    [Theory]
    [InlineData("Ministry of Health")]
    [InlineData("  ministry OF   health ")]
    [InlineData("MINISTRY-OF-HEALTH.")]
    [InlineData("Mínistry of Heálth")]
    [InlineData("The Ministry of Health")]
    [InlineData("Israeli Ministry of Health")]
    [InlineData("משרד הבריאות")]
    public void the_israeli_regulators_name_passes_whatever_its_case_accents_punctuation_spacing_or_article(string issuedBy) =>
        LicenseFindingsOfAnIsraeliClinicLicensedBy(issuedBy).ShouldBeEmpty();

    [Fact]
    public void a_name_an_approver_adds_to_the_regulator_passes_from_then_on()
    {
        var regulator = Given.RegulatorOf("IL")! with { Aliases = ["Misrad HaBriut"] };

        LicenseFindingsOfAnIsraeliClinicLicensedBy("Misrad ha-Briut", Given.RegulatorOf("IL")).ShouldHaveSingleItem();
        LicenseFindingsOfAnIsraeliClinicLicensedBy("Misrad HaBriut", regulator).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("US", "Thai Food and Drug Administration", false)]
    [InlineData("US", "U.S. Food & Drug Administration", true)]
    [InlineData("US", "fda", true)]
    [InlineData("TH", "FDA", false)]
    [InlineData("TH", "Food and Drug Administration", false)]
    [InlineData("TH", "Thai FDA", true)]
    [InlineData("MX", "COFEPRIS Jalisco", false)]
    [InlineData("MX", "Federal Commission", false)]
    [InlineData("TR", "T.C. Sağlık Bakanlığı", true)]
    [InlineData("TR", "Ministry of Health", false)]
    public void a_regulators_names_are_matched_whole(string country, string issuedBy, bool passes)
    {
        var claims = Given.CleanClaims(country);
        claims.Licenses[0] = claims.Licenses[0] with { IssuedBy = issuedBy };
        claims.Therapies[0] = Given.Therapy("blood-disorders");

        Blocking(Given.Evaluate(claims), CheckKind.License).Any(x => x.Code == "license-wrong-authority").ShouldBe(!passes);
    }

    [Fact]
    public void a_second_license_from_another_authority_is_a_discrepancy_to_resolve()
    {
        var claims = Given.CleanClaims("IL");
        claims.Licenses.Add(claims.Licenses[0] with { ClaimId = Guid.NewGuid(), IssuedBy = "Turkish Ministry of Health", Number = "TR-9" });

        var finding = SingleBlocking(AutomaticChecks.Evaluate(claims, "Israel", Given.RegulatorOf("IL"), Given.Rules, Given.Now), CheckKind.License);

        finding.Message.ShouldStartWith("License TR-9 is issued by \"Turkish Ministry of Health\"");
    }

    [Theory]
    [InlineData("orthopedics")]
    [InlineData("autism")]
    [InlineData("parkinsons")]
    [InlineData("multiple-sclerosis")]
    public void a_us_clinic_offering_a_therapy_the_fda_has_not_approved_fails_and_is_flagged(string condition)
    {
        var claims = Given.CleanClaims("US");
        claims.Therapies[0] = Given.Therapy(condition);

        var outcome = Given.Evaluate(claims);

        SingleBlocking(outcome, CheckKind.TherapyApproval).Code.ShouldBe("us-unapproved-therapy");
        outcome.RedFlags.ShouldHaveSingleItem().Category.ShouldBe(RedFlagCategory.UnapprovedUsTherapy);
    }

    [Fact]
    public void a_us_clinic_offering_an_fda_approved_therapy_passes()
    {
        var claims = Given.CleanClaims("US");
        claims.Therapies[0] = Given.Therapy("Leukemia", CellType.Hematopoietic, AdministrationRoute.Intravenous) with { Condition = "blood-disorders" };

        var outcome = Given.Evaluate(claims);

        Blocking(outcome, CheckKind.TherapyApproval).ShouldBeEmpty();
        outcome.RedFlags.ShouldBeEmpty();
    }

    [Fact]
    public void a_us_therapy_inside_a_registered_trial_is_neither_failed_nor_flagged()
    {
        var claims = Given.CleanClaims("US");
        claims.Therapies[0] = Given.Therapy("parkinsons", inTrial: true);

        var outcome = Given.Evaluate(claims);

        Blocking(outcome, CheckKind.TherapyApproval).ShouldBeEmpty();
        outcome.RedFlags.ShouldBeEmpty();
    }

    [Fact]
    public void the_us_rule_applies_only_in_the_us()
    {
        var claims = Given.CleanClaims("MX");
        claims.Therapies[0] = Given.Therapy("autism");

        Blocking(Given.Evaluate(claims), CheckKind.TherapyApproval).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(CellType.Embryonic)]
    [InlineData(CellType.InducedPluripotent)]
    public void experimental_cells_outside_a_registered_trial_fail_and_are_flagged(CellType cells)
    {
        var claims = Given.CleanClaims();
        claims.Therapies[0] = Given.Therapy(cells: cells);

        var outcome = Given.Evaluate(claims);

        SingleBlocking(outcome, CheckKind.TherapyApproval).Code.ShouldBe("experimental-cells-outside-trial");
        outcome.RedFlags.ShouldHaveSingleItem().Category.ShouldBe(RedFlagCategory.ExperimentalCellsOutsideTrial);
    }

    [Theory]
    [InlineData(CellType.Embryonic)]
    [InlineData(CellType.InducedPluripotent)]
    public void experimental_cells_inside_a_registered_trial_are_allowed(CellType cells)
    {
        var claims = Given.CleanClaims();
        claims.Therapies[0] = Given.Therapy(cells: cells, inTrial: true);

        Given.Evaluate(claims).RedFlags.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(CellType.Mesenchymal)]
    [InlineData(CellType.UmbilicalCordBlood)]
    [InlineData(CellType.Hematopoietic)]
    public void established_cells_need_no_trial(CellType cells)
    {
        var claims = Given.CleanClaims();
        claims.Therapies[0] = Given.Therapy(cells: cells);

        Blocking(Given.Evaluate(claims), CheckKind.TherapyApproval).ShouldBeEmpty();
    }

    [Fact]
    public void a_trial_must_be_identified()
    {
        var claims = Given.CleanClaims();
        claims.Therapies[0] = Given.Therapy(inTrial: true) with { TrialRegistryId = null };

        SingleBlocking(Given.Evaluate(claims), CheckKind.TherapyApproval).Code.ShouldBe("trial-not-identified");
    }

    [Fact]
    public void intrathecal_delivery_without_a_credentialed_specialist_fails_the_team_check()
    {
        var claims = Given.CleanClaims();
        claims.Therapies.Add(Given.Therapy("spinal-cord-injury", route: AdministrationRoute.Intrathecal));

        var finding = SingleBlocking(Given.Evaluate(claims), CheckKind.MedicalTeam);

        finding.Code.ShouldBe("intrathecal-specialist-missing");
        finding.Message.ShouldContain("credentialed specialist");
    }

    [Theory]
    [InlineData("Neurosurgery", new string[0])]
    [InlineData("Regenerative medicine", new[] { "Intrathecal injection" })]
    public void intrathecal_delivery_with_a_credentialed_specialist_passes(string specialty, string[] credentials)
    {
        var claims = Given.CleanClaims();
        claims.Therapies.Add(Given.Therapy("spinal-cord-injury", route: AdministrationRoute.Intrathecal));
        claims.Team.Add(new TeamMemberClaim(Guid.NewGuid(), "Dr. Neuro", specialty, 12, [], credentials));

        Blocking(Given.Evaluate(claims), CheckKind.MedicalTeam).ShouldBeEmpty();
    }

    [Fact]
    public void surgical_implantation_needs_a_surgical_accreditation()
    {
        var claims = Given.CleanClaims();
        claims.Accreditations[0] = claims.Accreditations[0] with { Scopes = ["laboratory"] };
        claims.Therapies.Add(Given.Therapy("breast-reconstruction", route: AdministrationRoute.Surgical));

        SingleBlocking(Given.Evaluate(claims), CheckKind.Accreditations).Code.ShouldBe("surgical-accreditation-missing");
    }

    [Theory]
    [InlineData(AdministrationRoute.LocalInjection)]
    [InlineData(AdministrationRoute.Intramuscular)]
    [InlineData(AdministrationRoute.Intravenous)]
    public void the_lower_risk_routes_need_nothing_more(AdministrationRoute route)
    {
        var claims = Given.CleanClaims();
        claims.Team.Clear();
        claims.Team.Add(new TeamMemberClaim(Guid.NewGuid(), "Dr. General", "Internal medicine", 5, [], []));
        claims.Accreditations[0] = claims.Accreditations[0] with { Scopes = [] };
        claims.Therapies[0] = Given.Therapy(route: route);

        var outcome = Given.Evaluate(claims);

        Blocking(outcome, CheckKind.MedicalTeam).ShouldBeEmpty();
        Blocking(outcome, CheckKind.Accreditations).ShouldBeEmpty();
    }

    [Fact]
    public void a_lapsed_accreditation_fails_the_accreditations_check()
    {
        var claims = Given.CleanClaims();
        claims.Accreditations[0] = claims.Accreditations[0] with { ValidUntil = Given.Today.AddDays(-3) };

        SingleBlocking(Given.Evaluate(claims), CheckKind.Accreditations).Code.ShouldBe("accreditation-not-valid");
    }

    [Fact]
    public void an_undocumented_cell_source_fails_and_is_flagged()
    {
        var claims = Given.CleanClaims();
        claims.Therapies[0] = Given.Therapy(lab: null);

        var outcome = Given.Evaluate(claims);

        SingleBlocking(outcome, CheckKind.CellSource).Code.ShouldBe("cell-source-undocumented");
        outcome.RedFlags.ShouldHaveSingleItem().Category.ShouldBe(RedFlagCategory.UndocumentedCellSource);
    }

    [Fact]
    public void a_program_without_a_written_protocol_fails()
    {
        var claims = Given.CleanClaims();
        claims.Programs.Add("Diabetes program");

        SingleBlocking(Given.Evaluate(claims), CheckKind.TreatmentProtocol).Message.ShouldContain("Diabetes program");
    }

    [Fact]
    public void an_evaluation_that_skips_contraindications_fails_naming_them()
    {
        var claims = Given.CleanClaims();
        claims.MedicalEvaluation = claims.MedicalEvaluation! with { ContraindicationsScreened = ["active-infection", "cancer", "allergies"] };

        var finding = SingleBlocking(Given.Evaluate(claims), CheckKind.MedicalEvaluation);

        finding.Message.ShouldContain("Pregnancy or breastfeeding");
        finding.Message.ShouldContain("Uncontrolled conditions");
        finding.Message.ShouldNotContain("Smoking");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void approval_without_a_health_history_is_a_red_flag(bool requiresHistory, bool approvesBeforeReview)
    {
        var claims = Given.CleanClaims();
        claims.MedicalEvaluation = claims.MedicalEvaluation! with { RequiresHealthHistory = requiresHistory, ApprovesBeforeReview = approvesBeforeReview };

        var outcome = Given.Evaluate(claims);

        SingleBlocking(outcome, CheckKind.MedicalEvaluation).Code.ShouldBe("approval-without-health-history");
        outcome.RedFlags.ShouldHaveSingleItem().Category.ShouldBe(RedFlagCategory.NoHealthHistory);
    }

    [Fact]
    public void missing_aftercare_fails()
    {
        var claims = Given.CleanClaims();
        claims.Aftercare = null;

        SingleBlocking(Given.Evaluate(claims), CheckKind.PostTreatmentSupport).Code.ShouldBe("no-aftercare");
    }

    [Fact]
    public void a_cure_all_claim_in_marketing_is_flagged_with_its_excerpt()
    {
        var claims = Given.CleanClaims();
        claims.Marketing.Add(new MarketingTextClaim(Guid.NewGuid(), "https://clinic.example/promo",
            "Our stem cells are a cure-all for every chronic disease. Book now!", Given.Now));

        var flag = Given.Evaluate(claims).RedFlags.ShouldHaveSingleItem();

        flag.Category.ShouldBe(RedFlagCategory.CureClaim);
        flag.Excerpt.ShouldNotBeNull().ShouldContain("cure-all for every chronic disease");
        flag.Description.ShouldContain("https://clinic.example/promo");
    }

    [Fact]
    public void one_text_with_several_kinds_of_claims_raises_one_flag_per_kind()
    {
        var claims = Given.CleanClaims();
        claims.Marketing.Add(new MarketingTextClaim(Guid.NewGuid(), "https://clinica.example/es",
            "Resultados garantizados. Un tratamiento milagroso, sin efectos secundarios. Lea los testimonios de celebridades.", Given.Now));

        Given.Evaluate(claims).RedFlags.Select(x => x.Category).ShouldBe(
            [RedFlagCategory.GuaranteedResults, RedFlagCategory.CureClaim, RedFlagCategory.RiskDenial, RedFlagCategory.Testimonials],
            ignoreOrder: true);
    }

    [Fact]
    public void the_same_outcome_twice_keeps_the_same_flag_keys()
    {
        var claims = Given.CleanClaims("US");
        claims.Therapies[0] = Given.Therapy("autism", CellType.Embryonic);
        var therapy = claims.Therapies[0].ClaimId;

        var first = Given.Evaluate(claims).RedFlags.Select(x => x.Key).ToList();

        first.ShouldBe([$"us-unapproved:{therapy}", $"experimental-cells:{therapy}"], ignoreOrder: true);
        Given.Evaluate(claims).RedFlags.Select(x => x.Key).ShouldBe(first);
    }
}
