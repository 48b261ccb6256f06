using ClinicVetting.Clinics;
using ClinicVetting.Shared;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Monitoring;

namespace ClinicVetting.UnitTests.Vetting;

public class deciding_a_vetting_case
{
    private const string Approver = "alma-approver";

    [Fact]
    public void a_case_with_every_check_passed_on_fresh_evidence_is_approved_for_36_months()
    {
        var (approved, clinic) = ApproveVettingCaseHandler.Decide(Given.ReadyCase(), Given.Clinic(), Given.Rules, Approver, Given.Now);

        approved.DecidedBy.ShouldBe(Approver);
        approved.ReverifyBy.ShouldBe(Given.Now.AddMonths(36));
        clinic.ReverifyBy.ShouldBe(approved.ReverifyBy);
    }

    [Theory]
    [InlineData("sam-staff")]
    [InlineData("olga-staff")]
    public void whoever_prepared_the_case_cannot_decide_it(string preparer)
    {
        var refusal = Should.Throw<RuleViolation>(() => ApproveVettingCaseHandler.Decide(Given.ReadyCase(), Given.Clinic(), Given.Rules, preparer, Given.Now));
        refusal.Message.ShouldContain("Four eyes");

        Should.Throw<RuleViolation>(() => RejectVettingCaseHandler.Decide(Given.ReadyCase(), Given.Clinic(), "no", preparer, Given.Now));
    }

    [Fact]
    public void evidence_older_than_120_days_at_the_decision_is_refused_naming_the_check_and_its_age()
    {
        var vettingCase = Given.ReadyCase();
        vettingCase.Apply(Given.Evidence(vettingCase, CheckKind.Accreditations, daysOld: 121));

        var refusal = Should.Throw<RuleViolation>(() => ApproveVettingCaseHandler.Decide(vettingCase, Given.Clinic(), Given.Rules, Approver, Given.Now));

        refusal.Reasons.ShouldHaveSingleItem().ShouldContain("Accreditations");
        refusal.Reasons[0].ShouldContain("121 days ago");
        refusal.Reasons[0].ShouldContain("at most 120");
    }

    [Fact]
    public void evidence_of_exactly_120_days_is_still_fresh()
    {
        var vettingCase = Given.ReadyCase();
        vettingCase.Apply(Given.Evidence(vettingCase, CheckKind.License, daysOld: 120));

        vettingCase.WhatIsMissing(Given.Clinic(), Given.Rules, Given.Now).ShouldBeEmpty();
    }

    [Fact]
    public void the_refusal_lists_every_check_without_evidence()
    {
        var vettingCase = Given.Case();
        vettingCase.Apply(Given.Evidence(vettingCase, CheckKind.License));

        var refusal = Should.Throw<RuleViolation>(() => ApproveVettingCaseHandler.Decide(vettingCase, Given.Clinic(), Given.Rules, Approver, Given.Now));

        refusal.Reasons.Count.ShouldBe(8);
        refusal.Reasons.ShouldAllBe(x => x.EndsWith("no evidence recorded yet."));
    }

    [Fact]
    public void failed_evidence_and_standing_findings_are_named()
    {
        var vettingCase = Given.ReadyCase();
        vettingCase.Apply(Given.Evidence(vettingCase, CheckKind.MedicalTeam, outcome: EvidenceOutcome.Failed));
        vettingCase.Apply(new AutomaticRulesApplied(vettingCase.Id, new Dictionary<CheckKind, IReadOnlyList<Finding>>
        {
            [CheckKind.License] = [new Finding("license-not-valid", "License L-1 is not valid.")],
        }, 1, 1, Given.Now));

        var missing = vettingCase.WhatIsMissing(Given.Clinic(), Given.Rules, Given.Now);

        missing.ShouldBe(["License: License L-1 is not valid.", "Medical team: the latest evidence (doc-MedicalTeam) failed."]);
    }

    [Fact]
    public void an_open_red_flag_blocks_approval()
    {
        var clinic = Given.Clinic();
        var (flag, _) = RaiseRedFlagHandler.Decide(clinic, RedFlagCategory.CureClaim, "Claims a cure for autism", null, "sam-staff", Given.Now);
        clinic.Apply(flag);

        var refusal = Should.Throw<RuleViolation>(() => ApproveVettingCaseHandler.Decide(Given.ReadyCase(), clinic, Given.Rules, Approver, Given.Now));

        refusal.Reasons.ShouldHaveSingleItem().ShouldBe("Open red flag: Claims a cure for autism");
    }

    [Fact]
    public void a_waived_check_counts_without_evidence()
    {
        var vettingCase = Given.ReadyCase();
        vettingCase.Checks.Single(x => x.Kind == CheckKind.CellSource).Evidence.Clear();
        vettingCase.Apply(WaiveCheckHandler.Decide(vettingCase, CheckKind.CellSource, "Clinic only refers patients to a licensed hospital lab", Approver, Given.Now));

        vettingCase.WhatIsMissing(Given.Clinic(), Given.Rules, Given.Now).ShouldBeEmpty();
    }

    [Fact]
    public void a_decided_case_cannot_be_decided_again()
    {
        var vettingCase = Given.ReadyCase();
        vettingCase.Apply(ApproveVettingCaseHandler.Decide(vettingCase, Given.Clinic(), Given.Rules, Approver, Given.Now).Case);

        Should.Throw<Conflict>(() => ApproveVettingCaseHandler.Decide(vettingCase, Given.Clinic(), Given.Rules, "other-approver", Given.Now));
        Should.Throw<Conflict>(() => RecordEvidenceHandler.Decide(vettingCase, CheckKind.License,
            new EvidenceInput(EvidenceOutcome.Passed, EvidenceSource.Call, "call", Given.Now, null), "sam-staff", Given.Now));
    }

    [Fact]
    public void a_check_cannot_pass_while_the_rules_find_a_problem()
    {
        var vettingCase = Given.Case();
        vettingCase.Apply(new AutomaticRulesApplied(vettingCase.Id, new Dictionary<CheckKind, IReadOnlyList<Finding>>
        {
            [CheckKind.License] = [new Finding("no-regulator", "No regulator is on file for Brazil (BR).")],
        }, 1, 1, Given.Now));

        var refusal = Should.Throw<RuleViolation>(() => RecordEvidenceHandler.Decide(vettingCase, CheckKind.License,
            new EvidenceInput(EvidenceOutcome.Passed, EvidenceSource.RegistryPage, "https://registry", Given.Now, null), "sam-staff", Given.Now));

        refusal.Reasons.ShouldBe(["No regulator is on file for Brazil (BR)."]);
    }

    [Fact]
    public void evidence_cannot_come_from_the_future()
    {
        Should.Throw<RuleViolation>(() => RecordEvidenceHandler.Decide(Given.Case(), CheckKind.License,
            new EvidenceInput(EvidenceOutcome.Passed, EvidenceSource.Call, "call", Given.Now.AddDays(2), null), "sam-staff", Given.Now));
    }

    [Fact]
    public void a_clinic_has_one_open_case_at_a_time()
    {
        var clinic = Given.Clinic(new ClinicVettingCaseOpened(Given.ClinicId, Guid.NewGuid(), CaseOpening.Initial));

        Should.Throw<Conflict>(() => OpenVettingCaseHandler.Decide(clinic, Guid.NewGuid(), Given.Rules, "sam-staff", Given.Now));
    }

    [Fact]
    public void a_new_red_flag_suspends_an_approved_clinic_until_an_approver_who_did_not_clear_it_reinstates_it()
    {
        var clinic = Given.Clinic(new ClinicVettingApproved(Given.ClinicId, Guid.NewGuid(), Given.Now.AddDays(-30), Given.Now.AddMonths(35)));

        var (raised, suspended) = RaiseRedFlagHandler.Decide(clinic, RedFlagCategory.Testimonials, "Celebrity testimonials", null, "sam-staff", Given.Now);
        clinic.Apply(raised);
        clinic.Apply(suspended!);
        clinic.Status.ShouldBe(ClinicStatus.Suspended);

        clinic.Apply(ClearRedFlagHandler.Decide(clinic, raised.Flag.FlagId, "Removed from the site on 2030-03-01", "sam-staff", byApprover: false, Given.Now));
        clinic.Status.ShouldBe(ClinicStatus.Suspended);

        var reinstated = ApproveReinstatementHandler.Decide(clinic, null, Approver, Given.Now).ShouldHaveSingleItem();
        reinstated.PreparedBy.ShouldBe(["sam-staff"]);
        clinic.Apply(reinstated);
        clinic.Status.ShouldBe(ClinicStatus.Approved);
    }

    [Fact]
    public void a_red_flag_on_a_clinic_under_vetting_suspends_nothing()
    {
        var (_, suspended) = RaiseRedFlagHandler.Decide(Given.Clinic(), RedFlagCategory.Other, "Odd", null, "sam-staff", Given.Now);
        suspended.ShouldBeNull();
    }

    [Fact]
    public void a_flag_is_cleared_once()
    {
        var clinic = Given.Clinic();
        var (raised, _) = RaiseRedFlagHandler.Decide(clinic, RedFlagCategory.Other, "Odd", null, "sam-staff", Given.Now);
        clinic.Apply(raised);
        clinic.Apply(ClearRedFlagHandler.Decide(clinic, raised.Flag.FlagId, "fine", "sam-staff", byApprover: false, Given.Now));

        Should.Throw<Conflict>(() => ClearRedFlagHandler.Decide(clinic, raised.Flag.FlagId, "again", "sam-staff", byApprover: false, Given.Now));
    }

    [Fact]
    public void automatic_flags_are_raised_once_even_after_an_approver_cleared_them()
    {
        var clinic = Given.Clinic();
        var vettingCase = Given.Case();
        var outcome = new AutomaticOutcome(new Dictionary<CheckKind, IReadOnlyList<Finding>>(),
            [new AutomaticFlag("no-health-history", RedFlagCategory.NoHealthHistory, "No health history")]);

        var (_, first) = ApplyVettingRulesHandler.Decide(vettingCase, clinic, outcome, 1, 1, Given.Now);
        clinic.Apply(first.ShouldHaveSingleItem());
        clinic.Apply(ClearRedFlagHandler.Decide(clinic, first[0].Flag.FlagId, "Evaluation now requires the history", "alma-approver", byApprover: true,
            Given.Now));

        ApplyVettingRulesHandler.Decide(vettingCase, clinic, outcome, 1, 1, Given.Now).Flags.ShouldBeEmpty();
    }

    [Fact]
    public void unchanged_findings_are_not_recorded_again()
    {
        var vettingCase = Given.Case();
        var outcome = Given.Evaluate(Given.CleanClaims());
        var (first, _) = ApplyVettingRulesHandler.Decide(vettingCase, Given.Clinic(), outcome, 1, 1, Given.Now);
        vettingCase.Apply(first!);

        ApplyVettingRulesHandler.Decide(vettingCase, Given.Clinic(), outcome, 1, 1, Given.Now).Findings.ShouldBeNull();
        ApplyVettingRulesHandler.Decide(vettingCase, Given.Clinic(), outcome, 2, 1, Given.Now).Findings.ShouldNotBeNull();
    }
}
