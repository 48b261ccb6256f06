using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Shared;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Monitoring;

namespace ClinicVetting.UnitTests.Vetting;

public class monitoring_credential_expiry
{
    private static readonly Guid ClaimId = Guid.NewGuid();

    private static ClinicClaims ClaimsWithLicenseUntil(DateOnly validUntil)
    {
        var claims = Given.CleanClaims();
        claims.Licenses[0] = claims.Licenses[0] with { ClaimId = ClaimId, ValidUntil = validUntil };
        return claims;
    }

    [Fact]
    public void reminders_are_scheduled_90_30_15_and_5_days_ahead_and_the_lapse_at_the_end_of_the_last_valid_day()
    {
        var validUntil = Given.Today.AddDays(200);

        var plan = CredentialMonitoring.Plan(Given.ClinicId, ClaimId, validUntil, Given.Rules.ExpiryReminderDays, Given.Now);

        var lapse = new DateTimeOffset(validUntil.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        plan.Select(x => (x.Message.DaysBefore, x.At)).ShouldBe(
        [
            (90, lapse.AddDays(-90)), (30, lapse.AddDays(-30)), (15, lapse.AddDays(-15)), (5, lapse.AddDays(-5)), (null, lapse),
        ]);
    }

    [Fact]
    public void a_credential_recorded_late_gets_the_nearest_missed_reminder_now()
    {
        var plan = CredentialMonitoring.Plan(Given.ClinicId, ClaimId, Given.Today.AddDays(9), Given.Rules.ExpiryReminderDays, Given.Now);

        plan.Select(x => (x.Message.DaysBefore, Now: x.At is null)).ShouldBe([(5, false), (15, true), (null, false)]);
    }

    [Fact]
    public void a_credential_already_lapsed_is_handled_now()
    {
        var plan = CredentialMonitoring.Plan(Given.ClinicId, ClaimId, Given.Today.AddDays(-3), Given.Rules.ExpiryReminderDays, Given.Now);

        plan.ShouldHaveSingleItem().ShouldBe((new CredentialCheckDue(Given.ClinicId, ClaimId, Given.Today.AddDays(-3), null), (DateTimeOffset?)null));
    }

    [Fact]
    public void a_reminder_is_issued_once()
    {
        var validUntil = Given.Today.AddDays(30);
        var due = new CredentialCheckDue(Given.ClinicId, ClaimId, validUntil, 30);
        var clinic = Given.Clinic();

        var issued = CredentialMonitoring.OnDue(due, clinic, ClaimsWithLicenseUntil(validUntil), Given.Now).ShouldHaveSingleItem()
            .ShouldBeOfType<CredentialExpiryReminderIssued>();
        clinic.Apply(issued);

        CredentialMonitoring.OnDue(due, clinic, ClaimsWithLicenseUntil(validUntil), Given.Now).ShouldBeEmpty();
    }

    [Fact]
    public void a_renewed_credential_makes_the_old_schedule_moot()
    {
        var due = new CredentialCheckDue(Given.ClinicId, ClaimId, Given.Today.AddDays(-1), null);

        CredentialMonitoring.OnDue(due, Given.Clinic(), ClaimsWithLicenseUntil(Given.Today.AddYears(1)), Given.Now).ShouldBeEmpty();
    }

    [Fact]
    public void a_lapse_suspends_an_approved_clinic_from_the_ranking()
    {
        var validUntil = Given.Today.AddDays(-1);
        var clinic = Given.Clinic(new ClinicVettingApproved(Given.ClinicId, Guid.NewGuid(), Given.Now.AddYears(-1), Given.Now.AddYears(2)));

        var events = CredentialMonitoring.OnDue(new CredentialCheckDue(Given.ClinicId, ClaimId, validUntil, null), clinic,
            ClaimsWithLicenseUntil(validUntil), Given.Now);

        events[0].ShouldBeOfType<CredentialLapsed>();
        var suspended = events[1].ShouldBeOfType<ClinicSuspended>();
        suspended.Cause.ShouldBe(SuspensionCauses.Credential(ClaimId));
        foreach (var @event in events) ((dynamic)clinic).Apply((dynamic)@event);
        clinic.Status.ShouldBe(ClinicStatus.Suspended);
    }

    [Fact]
    public void a_lapse_of_a_clinic_not_yet_approved_is_recorded_without_suspension() =>
        CredentialMonitoring.OnDue(new CredentialCheckDue(Given.ClinicId, ClaimId, Given.Today.AddDays(-1), null), Given.Clinic(),
            ClaimsWithLicenseUntil(Given.Today.AddDays(-1)), Given.Now).ShouldHaveSingleItem().ShouldBeOfType<CredentialLapsed>();

    private static ClinicStanding SuspendedForALapse() =>
        Given.Clinic(new ClinicVettingApproved(Given.ClinicId, Guid.NewGuid(), Given.Now.AddYears(-1), Given.Now.AddYears(2)),
            new CredentialLapsed(Given.ClinicId, ClaimId, CredentialKind.License, "license LIC-001", Given.Today.AddDays(-10), Given.Now.AddDays(-9)),
            new ClinicSuspended(Given.ClinicId, SuspensionCauses.Credential(ClaimId), "lapsed", Given.Now.AddDays(-9)));

    [Fact]
    public void within_the_grace_period_staff_re_verify_the_renewed_credential_and_another_approver_reinstates_the_clinic()
    {
        var clinic = SuspendedForALapse();
        var renewed = ClaimsWithLicenseUntil(Given.Today.AddYears(3));

        clinic.Apply(ReinstateClinicHandler.Decide(clinic, renewed, Given.Rules, "COFEPRIS registry 2030-03-01", "sam-staff", Given.Now)
            .ShouldHaveSingleItem());
        clinic.Status.ShouldBe(ClinicStatus.Suspended);

        var reinstated = ApproveReinstatementHandler.Decide(clinic, renewed, "alma-approver", Given.Now).ShouldHaveSingleItem();
        reinstated.ReinstatedBy.ShouldBe("alma-approver");
        reinstated.PreparedBy.ShouldBe(["sam-staff"]);
        clinic.Apply(reinstated);
        clinic.Status.ShouldBe(ClinicStatus.Approved);
    }

    [Fact]
    public void the_approver_who_re_verified_a_lapsed_credential_cannot_reinstate_the_clinic_alone()
    {
        var clinic = SuspendedForALapse();
        var renewed = ClaimsWithLicenseUntil(Given.Today.AddYears(3));
        clinic.Apply(ReinstateClinicHandler.Decide(clinic, renewed, Given.Rules, "registry", "alma-approver", Given.Now).Single());

        var refusal = Should.Throw<RuleViolation>(() => ApproveReinstatementHandler.Decide(clinic, renewed, "ALMA-approver", Given.Now));

        refusal.Message.ShouldContain("Four eyes");
        refusal.Extensions["rule"].ShouldBe("four-eyes");
        refusal.Reasons.ShouldHaveSingleItem().ShouldContain("re-verified the license LIC-001");
    }

    [Fact]
    public void a_lapse_nobody_re_verified_cannot_be_reinstated()
    {
        var refusal = Should.Throw<RuleViolation>(() =>
            ApproveReinstatementHandler.Decide(SuspendedForALapse(), ClaimsWithLicenseUntil(Given.Today.AddYears(3)), "alma-approver", Given.Now));

        refusal.Reasons.ShouldHaveSingleItem().ShouldContain("staff re-verify the renewed credential first");
    }

    [Fact]
    public void a_lapse_of_more_than_30_days_needs_a_new_full_case()
    {
        var clinic = Given.Clinic(new ClinicVettingApproved(Given.ClinicId, Guid.NewGuid(), Given.Now.AddYears(-1), Given.Now.AddYears(2)),
            new CredentialLapsed(Given.ClinicId, ClaimId, CredentialKind.License, "license LIC-001", Given.Today.AddDays(-40), Given.Now.AddDays(-39)));

        var refusal = Should.Throw<RuleViolation>(() => ReinstateClinicHandler.Decide(clinic, ClaimsWithLicenseUntil(Given.Today.AddYears(3)),
            Given.Rules, "registry", "sam-staff", Given.Now));

        refusal.Reasons.ShouldHaveSingleItem().ShouldContain("new full vetting case");
        OpenVettingCaseHandler.Decide(clinic, Guid.NewGuid(), Given.Rules, "sam-staff", Given.Now).Case.Opening.ShouldBe(CaseOpening.AfterLapse);
    }

    [Fact]
    public void a_credential_still_expired_cannot_reinstate()
    {
        var clinic = Given.Clinic(new ClinicVettingApproved(Given.ClinicId, Guid.NewGuid(), Given.Now.AddYears(-1), Given.Now.AddYears(2)),
            new CredentialLapsed(Given.ClinicId, ClaimId, CredentialKind.License, "license LIC-001", Given.Today.AddDays(-3), Given.Now.AddDays(-2)));

        Should.Throw<RuleViolation>(() => ReinstateClinicHandler.Decide(clinic, ClaimsWithLicenseUntil(Given.Today.AddDays(-3)), Given.Rules,
            "registry", "sam-staff", Given.Now)).Reasons[0].ShouldContain("still not valid");
    }
}
