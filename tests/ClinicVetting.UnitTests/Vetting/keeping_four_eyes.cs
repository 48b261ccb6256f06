using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Shared;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Monitoring;
using ClinicVetting.Vetting.ReferenceData;

namespace ClinicVetting.UnitTests.Vetting;

/// <summary>Whoever prepared a case (opened it, recorded evidence, waived a check, cleared a red flag) cannot decide it.</summary>
public class keeping_four_eyes
{
    private const string Alma = "alma-approver";
    private const string Bert = "bert-approver";

    private static readonly CheckKind[] Waivable = Enum.GetValues<CheckKind>().Where(x => !Check.NeedsPrimarySource(x)).ToArray();

    private static VettingCase ReadyCaseWithout(CheckKind kind)
    {
        var vettingCase = Given.ReadyCase();
        vettingCase[kind].Evidence.Clear();
        return vettingCase;
    }

    /// <summary>A US clinic's case with the rules' "unapproved US therapy" red flag raised on the clinic.</summary>
    private static (VettingCase Case, ClinicStanding Clinic, RedFlag Flag) ACaseWithTheFdaFlag()
    {
        var clinic = Given.Clinic();
        var vettingCase = Given.ReadyCase();
        var (_, flags) = ApplyVettingRulesHandler.Decide(vettingCase, clinic, Given.Evaluate(Given.CleanClaims("US")), 1, 1, Given.Now);
        var raised = flags.ShouldHaveSingleItem();
        raised.Flag.Category.ShouldBe(RedFlagCategory.UnapprovedUsTherapy);
        clinic.Apply(raised);
        return (vettingCase, clinic, raised.Flag);
    }

    [Fact]
    public void an_approver_who_waives_all_nine_checks_then_approves_is_refused()
    {
        var vettingCase = Given.Case();
        foreach (var kind in Enum.GetValues<CheckKind>())
        {
            try
            {
                vettingCase.Apply(WaiveCheckHandler.Decide(vettingCase, kind, "Does not apply", Alma, Given.Now));
            }
            catch (RuleViolation refused) when (Check.NeedsPrimarySource(kind))
            {
                refused.Extensions["rule"].ShouldBe("primary-source-required");
            }
        }

        var alone = Should.Throw<RuleViolation>(() => ApproveVettingCaseHandler.Decide(vettingCase, Given.Clinic(), Given.Rules, Alma, Given.Now));
        alone.Message.ShouldContain("Four eyes");
        alone.Reasons.Count.ShouldBe(7);
        alone.Reasons.ShouldContain($"{Alma} waived the Cell type and source check.");
        alone.Extensions["rule"].ShouldBe("four-eyes");
        alone.Extensions["whoMayAct"].ShouldBe($"an approver other than olga-staff, {Alma}");

        // Nor can anyone else approve a file with nothing proved: the license and the therapy approval have no evidence.
        var other = Should.Throw<RuleViolation>(() => ApproveVettingCaseHandler.Decide(vettingCase, Given.Clinic(), Given.Rules, Bert, Given.Now));
        other.Reasons.ShouldBe(["License: no evidence recorded yet.", "Therapy approval: no evidence recorded yet."]);
    }

    [Fact]
    public void an_approver_who_changed_the_clinics_claims_while_its_case_was_open_cannot_decide_it_but_claims_before_or_after_do_not_count()
    {
        var vettingCase = Given.ReadyCase();
        var otherCase = Guid.NewGuid();
        var license = new LicenseClaim(Guid.NewGuid(), "COFEPRIS", "LIC-9", Given.Today.AddYears(-1), Given.Today.AddYears(2), null);
        var changes = ClaimChanges.During(vettingCase.Id,
        [
            (new LicenseClaimed(Given.ClinicId, license), Alma),
            (new ClinicVettingCaseOpened(Given.ClinicId, otherCase, CaseOpening.Initial), "olga-staff"),
            (new ClaimWithdrawn(Given.ClinicId, license.ClaimId, "during another case"), Alma),
            (new ClinicVettingRejected(Given.ClinicId, otherCase, "No", Given.Now.AddDays(-20)), Bert),
            (new ClinicVettingCaseOpened(Given.ClinicId, vettingCase.Id, CaseOpening.Initial), "olga-staff"),
            (new LicenseClaimed(Given.ClinicId, license with { Number = "LIC-10" }), Alma),
            (new ClaimWithdrawn(Given.ClinicId, license.ClaimId, "replaced"), null),
            (new ClinicVettingApproved(Given.ClinicId, vettingCase.Id, Given.Now, Given.Now.AddYears(3)), Bert),
            (new ClaimWithdrawn(Given.ClinicId, license.ClaimId, "after the decision"), Alma),
        ]);

        changes.ShouldBe([new Preparation(Alma, "recorded the license claim LIC-10 while the case was open")]);
        var refusal = Should.Throw<RuleViolation>(() =>
            ApproveVettingCaseHandler.Decide(vettingCase, Given.Clinic(), Given.Rules, Alma, Given.Now, claimChanges: changes));
        refusal.Reasons.ShouldBe([$"{Alma} recorded the license claim LIC-10 while the case was open."]);
        Should.Throw<RuleViolation>(() =>
            RejectVettingCaseHandler.Decide(vettingCase, Given.Clinic(), "No", Alma, Given.Now, claimChanges: changes)).Extensions["rule"].ShouldBe("four-eyes");
        ApproveVettingCaseHandler.Decide(vettingCase, Given.Clinic(), Given.Rules, Bert, Given.Now, claimChanges: changes).Case.PreparedBy
            .ShouldBe(["olga-staff", "sam-staff", Alma]);
    }

    [Theory]
    [InlineData(CheckKind.License)]
    [InlineData(CheckKind.TherapyApproval)]
    public void the_license_and_the_therapy_approval_cannot_be_waived(CheckKind kind)
    {
        var refusal = Should.Throw<RuleViolation>(() => WaiveCheckHandler.Decide(Given.Case(), kind, "Trust me", Alma, Given.Now));

        refusal.Message.ShouldContain("cannot be waived");
        refusal.Message.ShouldContain("primary-source evidence");
    }

    [Theory]
    [MemberData(nameof(WaivableChecks))]
    public void the_approver_who_waived_a_check_cannot_decide_the_case_and_another_can(CheckKind kind)
    {
        var vettingCase = ReadyCaseWithout(kind);
        vettingCase.Apply(WaiveCheckHandler.Decide(vettingCase, kind, "The clinic does not offer this", Alma, Given.Now));

        Should.Throw<RuleViolation>(() => ApproveVettingCaseHandler.Decide(vettingCase, Given.Clinic(), Given.Rules, Alma, Given.Now))
            .Reasons.ShouldBe([$"{Alma} waived the {Check.Label(kind)} check."]);
        Should.Throw<RuleViolation>(() => RejectVettingCaseHandler.Decide(vettingCase, Given.Clinic(), "No", Alma, Given.Now));

        var (approved, _) = ApproveVettingCaseHandler.Decide(vettingCase, Given.Clinic(), Given.Rules, Bert, Given.Now);
        approved.PreparedBy.ShouldBe(["olga-staff", "sam-staff", Alma]);
    }

    public static TheoryData<CheckKind> WaivableChecks() => new(Waivable);

    [Fact]
    public void staff_cannot_clear_the_red_flag_the_fda_rule_raised()
    {
        var (_, clinic, flag) = ACaseWithTheFdaFlag();

        var refusal = Should.Throw<Forbidden>(() => ClearRedFlagHandler.Decide(clinic, flag.FlagId, "Looks fine to me", "sam-staff", byApprover: false, Given.Now));

        refusal.Extensions["rule"].ShouldBe("rule-raised-red-flag-needs-an-approver");
        refusal.Extensions["whoMayAct"].ShouldNotBeNull().ToString()!.ShouldStartWith("an approver");
    }

    [Fact]
    public void the_approver_who_cleared_the_fda_flag_cannot_then_approve_the_us_clinic()
    {
        var (vettingCase, clinic, flag) = ACaseWithTheFdaFlag();
        clinic.Apply(ClearRedFlagHandler.Decide(clinic, flag.FlagId, "The clinic stopped offering it", Alma, byApprover: true, Given.Now));

        var refusal = Should.Throw<RuleViolation>(() => ApproveVettingCaseHandler.Decide(vettingCase, clinic, Given.Rules, Alma, Given.Now));
        refusal.Reasons.ShouldHaveSingleItem().ShouldStartWith($"{Alma} cleared the red flag \"Offers ");
        Should.Throw<RuleViolation>(() => RejectVettingCaseHandler.Decide(vettingCase, clinic, "No", Alma, Given.Now));

        ApproveVettingCaseHandler.Decide(vettingCase, clinic, Given.Rules, Bert, Given.Now).Case.PreparedBy.ShouldBe(["olga-staff", "sam-staff", Alma]);
    }

    [Fact]
    public void a_flag_cleared_between_a_rejection_and_the_next_case_counts_as_preparing_it()
    {
        var clinic = Given.Clinic(new ClinicVettingRejected(Given.ClinicId, Guid.NewGuid(), "Unproven therapy", Given.Now.AddDays(-20)));
        var (raised, _) = RaiseRedFlagHandler.Decide(clinic, RedFlagCategory.Other, "Odd pricing", null, "sam-staff", Given.Now.AddDays(-25));
        clinic.Apply(raised);
        clinic.Apply(ClearRedFlagHandler.Decide(clinic, raised.Flag.FlagId, "Explained", Alma, byApprover: true, Given.Now.AddDays(-15)));

        Should.Throw<RuleViolation>(() => ApproveVettingCaseHandler.Decide(Given.ReadyCase(), clinic, Given.Rules, Alma, Given.Now));
    }

    [Fact]
    public void a_flag_cleared_before_the_clinics_last_decision_prepared_that_decision_not_the_next()
    {
        var clinic = Given.Clinic();
        var (raised, _) = RaiseRedFlagHandler.Decide(clinic, RedFlagCategory.Other, "Odd pricing", null, "sam-staff", Given.Now.AddDays(-40));
        clinic.Apply(raised);
        clinic.Apply(ClearRedFlagHandler.Decide(clinic, raised.Flag.FlagId, "Explained", Alma, byApprover: true, Given.Now.AddDays(-30)));
        clinic.Apply(new ClinicVettingRejected(Given.ClinicId, Guid.NewGuid(), "Unproven therapy", Given.Now.AddDays(-20)));

        ApproveVettingCaseHandler.Decide(Given.ReadyCase(), clinic, Given.Rules, Alma, Given.Now).Case.PreparedBy.ShouldBe(["olga-staff", "sam-staff"]);
    }

    [Fact]
    public void an_approver_who_changed_the_reference_data_since_the_clinics_last_decision_cannot_decide_its_case()
    {
        ReferenceDataChange Regulator(string country, string by, int daysAgo) =>
            new(country, $"changed the regulator on file for {country}", by, Given.Now.AddDays(-daysAgo));
        var clinic = Given.Clinic(new ClinicVettingRejected(Given.ClinicId, Guid.NewGuid(), "Unproven therapy", Given.Now.AddDays(-20)));

        var refusal = Should.Throw<RuleViolation>(() => ApproveVettingCaseHandler.Decide(Given.ReadyCase(), clinic, Given.Rules, Alma, Given.Now,
            [Regulator("MX", Alma, 5), new ReferenceDataChange(null, "published the vetting rules", Alma, Given.Now.AddDays(-3))]));
        refusal.Reasons.ShouldBe([$"{Alma} changed the regulator on file for MX.", $"{Alma} published the vetting rules."]);

        ApproveVettingCaseHandler.Decide(Given.ReadyCase(), clinic, Given.Rules, Alma, Given.Now, [Regulator("IL", Alma, 5), Regulator("MX", Alma, 25)])
            .Case.PreparedBy.ShouldBe(["olga-staff", "sam-staff"]);
        ApproveVettingCaseHandler.Decide(Given.ReadyCase(), clinic, Given.Rules, Bert, Given.Now, [Regulator("MX", Alma, 5)])
            .Case.PreparedBy.ShouldBe(["olga-staff", "sam-staff", Alma]);
    }

    [Fact]
    public void the_decision_records_everyone_who_prepared_the_case()
    {
        var vettingCase = Given.ReadyCase();
        vettingCase.Apply(Given.Evidence(vettingCase, CheckKind.MedicalTeam, by: "tess-staff"));

        var (approved, _) = ApproveVettingCaseHandler.Decide(vettingCase, Given.Clinic(), Given.Rules, Alma, Given.Now);
        vettingCase.Apply(approved);

        approved.PreparedBy.ShouldBe(["olga-staff", "sam-staff", "tess-staff"]);
        vettingCase.PreparedBy.ShouldBe(["olga-staff", "sam-staff", "tess-staff"]);
        RejectVettingCaseHandler.Decide(Given.ReadyCase(), Given.Clinic(), "No", Alma, Given.Now).Case.PreparedBy.ShouldBe(["olga-staff", "sam-staff"]);
    }

    [Fact]
    public void a_waiver_cannot_hide_a_problem_the_rules_found()
    {
        var vettingCase = Given.ReadyCase();
        vettingCase.Apply(new AutomaticRulesApplied(vettingCase.Id, new Dictionary<CheckKind, IReadOnlyList<Finding>>
        {
            [CheckKind.MedicalTeam] = [new Finding("intrathecal-specialist-missing", "No credentialed specialist for intrathecal delivery.")],
        }, 1, 1, Given.Now));

        var refusal = Should.Throw<RuleViolation>(() => WaiveCheckHandler.Decide(vettingCase, CheckKind.MedicalTeam, "Fine", Alma, Given.Now));

        refusal.Reasons.ShouldBe(["Medical team: No credentialed specialist for intrathecal delivery."]);
    }

    [Fact]
    public void a_problem_found_after_a_waiver_fails_the_check_again()
    {
        var vettingCase = ReadyCaseWithout(CheckKind.MedicalTeam);
        vettingCase.Apply(WaiveCheckHandler.Decide(vettingCase, CheckKind.MedicalTeam, "Referral-only clinic", Alma, Given.Now));
        vettingCase.Apply(new AutomaticRulesApplied(vettingCase.Id, new Dictionary<CheckKind, IReadOnlyList<Finding>>
        {
            [CheckKind.MedicalTeam] = [new Finding("no-team", "No member of the medical team is recorded.")],
        }, 1, 1, Given.Now));

        vettingCase[CheckKind.MedicalTeam].Status.ShouldBe(CheckStatus.Failed);
        vettingCase.WhatIsMissing(Given.Clinic(), Given.Rules, Given.Now)
            .ShouldBe(["Medical team: No member of the medical team is recorded."]);
    }

    [Theory]
    [InlineData(CheckKind.License, EvidenceSource.SiteVisit)]
    [InlineData(CheckKind.License, EvidenceSource.Other)]
    [InlineData(CheckKind.TherapyApproval, EvidenceSource.SiteVisit)]
    public void the_license_and_the_therapy_approval_pass_only_on_primary_source_evidence(CheckKind kind, EvidenceSource source)
    {
        EvidenceInput Evidence(EvidenceSource from, EvidenceOutcome outcome = EvidenceOutcome.Passed) =>
            new(outcome, from, "seen on the wall", Given.Now, null);

        var refusal = Should.Throw<RuleViolation>(() => RecordEvidenceHandler.Decide(Given.Case(), kind, Evidence(source), "sam-staff", Given.Now));

        refusal.Extensions["rule"].ShouldBe("primary-source-required");
        RecordEvidenceHandler.Decide(Given.Case(), kind, Evidence(source, EvidenceOutcome.Failed), "sam-staff", Given.Now).ShouldNotBeNull();
        RecordEvidenceHandler.Decide(Given.Case(), kind, Evidence(EvidenceSource.RegistryPage), "sam-staff", Given.Now).ShouldNotBeNull();
        RecordEvidenceHandler.Decide(Given.Case(), CheckKind.Accreditations, Evidence(source), "sam-staff", Given.Now).ShouldNotBeNull();
    }

    [Fact]
    public void a_license_waived_before_the_rule_existed_does_not_count_for_approval()
    {
        var vettingCase = ReadyCaseWithout(CheckKind.License);
        vettingCase.Apply(new CheckWaived(vettingCase.Id, CheckKind.License, new Waiver("Old waiver", Alma, Given.Now.AddDays(-1))));

        vettingCase.WhatIsMissing(Given.Clinic(), Given.Rules, Given.Now)
            .ShouldBe(["License: cannot be waived; it needs primary-source evidence."]);
    }

    [Fact]
    public void the_approver_who_cleared_the_flag_that_suspended_a_clinic_cannot_reinstate_it()
    {
        var clinic = Given.Clinic(new ClinicVettingApproved(Given.ClinicId, Guid.NewGuid(), Given.Now.AddDays(-30), Given.Now.AddMonths(35)));
        var (raised, suspended) = RaiseRedFlagHandler.Decide(clinic, RedFlagCategory.CureClaim, "Claims to cure autism", null, "sam-staff", Given.Now);
        clinic.Apply(raised);
        clinic.Apply(suspended!);

        Should.Throw<RuleViolation>(() => ApproveReinstatementHandler.Decide(clinic, null, Alma, Given.Now))
            .Reasons.ShouldHaveSingleItem().ShouldContain("is still open");

        clinic.Apply(ClearRedFlagHandler.Decide(clinic, raised.Flag.FlagId, "Page taken down", Alma, byApprover: true, Given.Now));
        var refusal = Should.Throw<RuleViolation>(() => ApproveReinstatementHandler.Decide(clinic, null, Alma, Given.Now));
        refusal.Message.ShouldContain("Four eyes");
        refusal.Reasons.ShouldBe([$"{Alma} cleared the red flag \"Claims to cure autism\"."]);

        ApproveReinstatementHandler.Decide(clinic, null, Bert, Given.Now).ShouldHaveSingleItem().ReinstatedBy.ShouldBe(Bert);
    }

    [Fact]
    public void a_clinic_suspended_for_re_verification_comes_back_only_through_a_new_case()
    {
        var clinic = Given.Clinic(new ClinicVettingApproved(Given.ClinicId, Guid.NewGuid(), Given.Now.AddYears(-3), Given.Now),
            new ClinicSuspended(Given.ClinicId, SuspensionCauses.Reverification, "Re-verification fell due", Given.Now));

        Should.Throw<RuleViolation>(() => ApproveReinstatementHandler.Decide(clinic, null, Alma, Given.Now))
            .Reasons.ShouldHaveSingleItem().ShouldContain("only a new vetting case");
    }
}
