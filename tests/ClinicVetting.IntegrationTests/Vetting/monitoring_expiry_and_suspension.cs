using ClinicVetting.Shared;
using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Monitoring;
using Marten;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Vetting;

public class monitoring_expiry_and_suspension(AppFixture fixture) : IntegrationContext(fixture)
{
    private async Task<Guid> AnApprovedClinic()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        await Host.RecordAllEvidence(Staff, caseId, Fixture.Clock.Now);
        (await Host.Approve(Approver, caseId)).Result.Context.Response.StatusCode.ShouldBe(200);
        return clinicId;
    }

    private async Task<(Guid ClaimId, IReadOnlyList<CredentialCheckDue> Scheduled)> AnAccreditationValidFor(Guid clinicId, int days)
    {
        var (tracked, result) = await Host.SendTracked(Staff, s => s.Post
            .Json(new AccreditationInput("GMP Council", "GMP-555", Fixture.Clock.Today.AddYears(-1), Fixture.Clock.Today.AddDays(days)))
            .ToUrl($"/api/clinics/{clinicId}/claims/accreditations"));
        result.Context.Response.StatusCode.ShouldBe(201);
        return (result.ReadAsJson<ClaimOnFile>()!.ClaimId!.Value,
            tracked.Scheduled.MessagesOf<CredentialCheckDue>().OrderByDescending(x => x.DaysBefore ?? -1).ToList());
    }

    private async Task Play(CredentialCheckDue due)
    {
        Fixture.Clock.Now = due.DaysBefore is { } days
            ? CredentialMonitoring.LapsesAt(due.ValidUntil).AddDays(-days)
            : CredentialMonitoring.LapsesAt(due.ValidUntil).AddHours(1);
        await Host.InvokeMessageAndWaitAsync(due);
    }

    private async Task<ReinstatementItem?> AwaitingReinstatement(Guid clinicId) =>
        (await Host.Send(Staff, s => s.Get.Url("/api/vetting/work-queue"))).ReadAsJson<WorkQueue>()!.ReinstatementsAwaitingApproval
        .SingleOrDefault(x => x.ClinicId == clinicId);

    private async Task<Page<StaffNotification>> Notifications(NotificationKind kind) =>
        (await Host.Send(Staff, s => s.Get.Url($"/api/vetting/notifications?kind={kind}"))).ReadAsJson<Page<StaffNotification>>()!;

    [Fact]
    public async Task an_expiring_accreditation_schedules_reminders_then_suspends_the_clinic_when_it_lapses()
    {
        var clinicId = await AnApprovedClinic();

        var (claimId, scheduled) = await AnAccreditationValidFor(clinicId, 200);

        scheduled.Select(x => x.DaysBefore).ShouldBe([90, 30, 15, 5, null]);
        scheduled.ShouldAllBe(x => x.ClaimId == claimId);

        await Play(scheduled[1]);
        var reminder = (await Notifications(NotificationKind.ExpiryReminder)).Items.ShouldHaveSingleItem();
        reminder.Message.ShouldContain("GMP-555");
        reminder.Message.ShouldContain("in 30 days");
        var queue = (await Host.Send(Staff, s => s.Get.Url("/api/vetting/work-queue?days=30"))).ReadAsJson<WorkQueue>()!;
        queue.Expiring.ShouldHaveSingleItem().ClaimId.ShouldBe(claimId);

        await Play(scheduled[1]);
        (await Notifications(NotificationKind.ExpiryReminder)).Total.ShouldBe(1);

        await Play(scheduled[4]);
        var clinic = await Host.GetClinic(Staff, clinicId);
        clinic.Status.ShouldBe(ClinicStatus.Suspended);
        clinic.Suspensions.ShouldHaveSingleItem().Reason.ShouldContain("GMP-555");
        (await Notifications(NotificationKind.ClinicSuspended)).Items.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task a_credential_renewed_in_time_makes_its_scheduled_lapse_moot()
    {
        var clinicId = await AnApprovedClinic();
        var (_, scheduled) = await AnAccreditationValidFor(clinicId, 20);

        await Host.PostJson(Staff, $"/api/clinics/{clinicId}/claims/accreditations",
            new AccreditationInput("GMP Council", "GMP-555", Fixture.Clock.Today.AddYears(-1), Fixture.Clock.Today.AddYears(3)));
        await Play(scheduled.Last());

        (await Host.GetClinic(Staff, clinicId)).Status.ShouldBe(ClinicStatus.Approved);
    }

    [Fact]
    public async Task within_30_days_of_a_lapse_re_verification_reinstates_the_clinic()
    {
        var clinicId = await AnApprovedClinic();
        var (_, scheduled) = await AnAccreditationValidFor(clinicId, 20);
        await Play(scheduled.Last());
        (await Host.GetClinic(Staff, clinicId)).Status.ShouldBe(ClinicStatus.Suspended);

        var early = await Host.PostJson(Staff, $"/api/clinics/{clinicId}/reinstatement", new ReinstatementInput("GMP Council registry"), 422);
        early.ShouldBeProblem(422).Reasons!.ShouldHaveSingleItem().ShouldContain("still not valid");

        Fixture.Clock.Advance(TimeSpan.FromDays(10));
        await Host.PostJson(Staff, $"/api/clinics/{clinicId}/claims/accreditations",
            new AccreditationInput("GMP Council", "GMP-555", Fixture.Clock.Today, Fixture.Clock.Today.AddYears(3)));
        var reverified = await Host.PostJson(Staff, $"/api/clinics/{clinicId}/reinstatement", new ReinstatementInput("GMP Council registry, certificate GMP-555 renewed"));
        reverified.ReadAsJson<ClinicReinstatement>()!.Status.ShouldBe(ClinicStatus.Suspended);
        (await Host.GetClinic(Staff, clinicId)).Status.ShouldBe(ClinicStatus.Suspended);
        (await AwaitingReinstatement(clinicId)).ShouldNotBeNull().ResolvedBy.ShouldBe(["stella-staff"]);

        var approved = await Host.PostJson(Approver, $"/api/clinics/{clinicId}/reinstatement/approval", new { });

        approved.ReadAsJson<ClinicReinstatement>()!.Status.ShouldBe(ClinicStatus.Approved);
        (await Host.GetClinic(Staff, clinicId)).Status.ShouldBe(ClinicStatus.Approved);
    }

    [Fact]
    public async Task the_approver_who_re_verified_a_lapsed_credential_cannot_reinstate_the_clinic_alone()
    {
        var clinicId = await AnApprovedClinic();
        var (_, scheduled) = await AnAccreditationValidFor(clinicId, 20);
        await Play(scheduled.Last());
        Fixture.Clock.Advance(TimeSpan.FromDays(5));
        await Host.PostJson(Staff, $"/api/clinics/{clinicId}/claims/accreditations",
            new AccreditationInput("GMP Council", "GMP-555", Fixture.Clock.Today, Fixture.Clock.Today.AddYears(3)));
        await Host.PostJson(Approver, $"/api/clinics/{clinicId}/reinstatement", new ReinstatementInput("GMP Council registry"));

        var refusal = await Host.PostJson(Approver, $"/api/clinics/{clinicId}/reinstatement/approval", new { }, 422);

        refusal.ShouldBeProblem(422).Detail.ShouldNotBeNull().ShouldContain("Four eyes");
        refusal.ProblemExtension("rule").ShouldBe("four-eyes");
        (await Host.GetClinic(Staff, clinicId)).Status.ShouldBe(ClinicStatus.Suspended);
        await Host.PostJson(Fixture.TokenFor("olivia-approver", "approver"), $"/api/clinics/{clinicId}/reinstatement/approval", new { });
        (await Host.GetClinic(Staff, clinicId)).Status.ShouldBe(ClinicStatus.Approved);
    }

    [Fact]
    public async Task after_more_than_30_days_only_a_new_full_case_reinstates_the_clinic()
    {
        var clinicId = await AnApprovedClinic();
        var (_, scheduled) = await AnAccreditationValidFor(clinicId, 20);
        await Play(scheduled.Last());
        Fixture.Clock.Advance(TimeSpan.FromDays(31));
        await Host.PostJson(Staff, $"/api/clinics/{clinicId}/claims/accreditations",
            new AccreditationInput("GMP Council", "GMP-555", Fixture.Clock.Today, Fixture.Clock.Today.AddYears(3)));

        var refusal = await Host.PostJson(Staff, $"/api/clinics/{clinicId}/reinstatement", new ReinstatementInput("registry"), 422);
        refusal.ShouldBeProblem(422).Reasons!.ShouldHaveSingleItem().ShouldContain("new full vetting case");

        var caseId = await Host.OpenCase(Staff, clinicId);
        (await Host.GetCase(Staff, caseId)).Opening.ShouldBe(CaseOpening.AfterLapse);
        await Host.RecordAllEvidence(Staff, caseId, Fixture.Clock.Now);
        (await Host.Approve(Approver, caseId)).Result.Context.Response.StatusCode.ShouldBe(200);
        (await Host.GetClinic(Staff, clinicId)).Status.ShouldBe(ClinicStatus.Approved);
    }

    [Fact]
    public async Task a_red_flag_raised_on_an_approved_clinic_suspends_it_until_cleared()
    {
        var clinicId = await AnApprovedClinic();

        var raised = (await Host.PostJson(Staff, $"/api/clinics/{clinicId}/red-flags",
            new RedFlagInput(RedFlagCategory.Testimonials, "Celebrity testimonials used as evidence on Instagram", "Trusted by Cristiano Ronaldo"))).ReadAsJson<RedFlagOnFile>()!;

        raised.ClinicStatus.ShouldBe(ClinicStatus.Suspended);
        (await Host.GetClinic(Staff, clinicId)).Status.ShouldBe(ClinicStatus.Suspended);

        var cleared = await Host.PostJson(Staff, $"/api/clinics/{clinicId}/red-flags/{raised.FlagId}/clearance", new ReasonBody("Posts removed; confirmed 2030-01-09"));
        cleared.ReadAsJson<RedFlagOnFile>()!.ClinicStatus.ShouldBe(ClinicStatus.Suspended);
        (await Host.GetClinic(Staff, clinicId)).Status.ShouldBe(ClinicStatus.Suspended);

        var reinstated = (await Host.PostJson(Approver, $"/api/clinics/{clinicId}/reinstatement/approval", new { })).ReadAsJson<ClinicReinstatement>()!;
        reinstated.Status.ShouldBe(ClinicStatus.Approved);
        reinstated.CausesResolved.ShouldBe([SuspensionCauses.RedFlag(raised.FlagId)]);
        (await Host.GetClinic(Staff, clinicId)).Status.ShouldBe(ClinicStatus.Approved);
    }

    [Fact]
    public async Task the_work_queue_lists_a_suspended_clinic_once_its_cause_is_resolved_until_a_second_approver_reinstates_it()
    {
        var clinicId = await AnApprovedClinic();
        var raised = (await Host.PostJson(Staff, $"/api/clinics/{clinicId}/red-flags",
            new RedFlagInput(RedFlagCategory.CureClaim, "Claims to cure autism on its new landing page"))).ReadAsJson<RedFlagOnFile>()!;
        (await AwaitingReinstatement(clinicId)).ShouldBeNull();

        await Host.PostJson(Approver, $"/api/clinics/{clinicId}/red-flags/{raised.FlagId}/clearance", new ReasonBody("Page taken down"));

        var waiting = (await AwaitingReinstatement(clinicId)).ShouldNotBeNull();
        waiting.ClinicName.ShouldBe("Clínica Esperanza");
        waiting.CausesResolved.ShouldBe(["Red flag cleared by arthur-approver: Page taken down"]);
        waiting.ResolvedBy.ShouldBe(["arthur-approver"]);
        waiting.StillWaiting.ShouldBeEmpty();
        await Host.PostJson(Fixture.TokenFor("olivia-approver", "approver"), $"/api/clinics/{clinicId}/reinstatement/approval", new { });
        (await AwaitingReinstatement(clinicId)).ShouldBeNull();
    }

    [Fact]
    public async Task the_approver_who_cleared_the_flag_that_suspended_a_clinic_cannot_reinstate_it_alone()
    {
        var clinicId = await AnApprovedClinic();
        var raised = (await Host.PostJson(Staff, $"/api/clinics/{clinicId}/red-flags",
            new RedFlagInput(RedFlagCategory.CureClaim, "Claims to cure autism on its new landing page"))).ReadAsJson<RedFlagOnFile>()!;
        await Host.PostJson(Approver, $"/api/clinics/{clinicId}/red-flags/{raised.FlagId}/clearance", new ReasonBody("Page taken down"));

        var refusal = await Host.PostJson(Approver, $"/api/clinics/{clinicId}/reinstatement/approval", new { }, 422);

        refusal.ShouldBeProblem(422).Reasons.ShouldBe(["arthur-approver cleared the red flag \"Claims to cure autism on its new landing page\"."]);
        refusal.ProblemExtension("whoMayAct").ShouldBe("an approver other than arthur-approver");
        (await Host.GetClinic(Staff, clinicId)).Status.ShouldBe(ClinicStatus.Suspended);
        await using (var session = Store.QuerySession())
        {
            (await session.Events.FetchStreamAsync(clinicId)).ShouldNotContain(x => x.Data is ClinicReinstated);
        }

        await Host.PostJson(Fixture.TokenFor("olivia-approver", "approver"), $"/api/clinics/{clinicId}/reinstatement/approval", new { });
        (await Host.GetClinic(Staff, clinicId)).Status.ShouldBe(ClinicStatus.Approved);
    }

    [Fact]
    public async Task re_verification_falls_due_36_months_after_approval()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        await Host.RecordAllEvidence(Staff, caseId, Fixture.Clock.Now);
        var (tracked, _) = await Host.Approve(Approver, caseId);
        var due = tracked.Scheduled.SingleMessage<ReverificationDue>();
        tracked.Scheduled.SingleEnvelope<ReverificationDue>().ScheduledTime.ShouldBe(Fixture.Clock.Now.AddMonths(36));

        Fixture.Clock.Advance(TimeSpan.FromDays(3 * 365 + 1));
        await Host.InvokeMessageAndWaitAsync(due);

        var clinic = await Host.GetClinic(Staff, clinicId);
        clinic.Status.ShouldBe(ClinicStatus.Suspended);
        clinic.Suspensions.ShouldHaveSingleItem().Cause.ShouldBe(SuspensionCauses.Reverification);
        (await Notifications(NotificationKind.ReverificationDue)).Items.ShouldHaveSingleItem();
    }
}
