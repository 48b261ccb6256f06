using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Monitoring;

namespace ClinicVetting.UnitTests.Vetting;

public class falling_due_and_noticing_decisions
{
    private static readonly Guid CaseId = Guid.NewGuid();
    private static readonly DateTimeOffset ReverifyBy = Given.Now.AddDays(-1);

    private static ClinicStanding Approved(Guid caseId) =>
        Given.Clinic(new ClinicVettingApproved(Given.ClinicId, caseId, ReverifyBy.AddMonths(-36), ReverifyBy));

    [Fact]
    public void an_approval_still_in_force_falls_due_and_suspends_the_clinic()
    {
        var (fellDue, suspended) = ReverificationDueHandler.Decide(Approved(CaseId), new ReverificationDue(Given.ClinicId, CaseId), Given.Now)
            .ShouldNotBeNull();

        fellDue.DueAt.ShouldBe(ReverifyBy);
        suspended.Cause.ShouldBe(SuspensionCauses.Reverification);
        suspended.Reason.ShouldContain(ReverifyBy.ToString("yyyy-MM-dd"));
        suspended.SuspendedAt.ShouldBe(Given.Now);
    }

    [Fact]
    public void a_newer_approval_or_a_rejection_makes_the_reverification_moot()
    {
        ReverificationDueHandler.Decide(Approved(Guid.NewGuid()), new ReverificationDue(Given.ClinicId, CaseId), Given.Now).ShouldBeNull();

        var rejected = Approved(CaseId);
        rejected.Apply(new ClinicVettingRejected(Given.ClinicId, Guid.NewGuid(), "Lapsed", Given.Now.AddDays(-2)));
        ReverificationDueHandler.Decide(rejected, new ReverificationDue(Given.ClinicId, CaseId), Given.Now).ShouldBeNull();
    }

    [Fact]
    public void an_approved_clinic_is_told_when_reverification_is_due_and_that_it_may_correct_its_data()
    {
        var vettingCase = Given.ReadyCase();
        vettingCase.Apply(new VettingCaseApproved(vettingCase.Id, Given.ClinicId, "alma-approver", Given.Now, Given.Now.AddMonths(36)));

        var (notice, sent) = SendVettingDecisionNoticeHandler.Decide(vettingCase, "Clínica Uno", Given.Now).ShouldNotBeNull();

        notice.Subject.ShouldBe("Clínica Uno: vetting approved");
        notice.Body.ShouldContain($"Re-verification is due by {Given.Now.AddMonths(36):yyyy-MM-dd}");
        notice.Body.ShouldContain("correct the data we hold about you");
        (notice.Decision, notice.CaseId, notice.ClinicId).ShouldBe((CaseStatus.Approved, vettingCase.Id, Given.ClinicId));
        (sent.Decision, sent.Channel, sent.SentAt).ShouldBe((CaseStatus.Approved, SendVettingDecisionNoticeHandler.Channel, Given.Now));
    }

    [Fact]
    public void a_rejected_clinic_reads_the_reason()
    {
        var vettingCase = Given.ReadyCase();
        vettingCase.Apply(new VettingCaseRejected(vettingCase.Id, Given.ClinicId, "alma-approver", "No primary-source license", Given.Now));

        var (notice, _) = SendVettingDecisionNoticeHandler.Decide(vettingCase, "Clínica Uno", Given.Now).ShouldNotBeNull();

        notice.Subject.ShouldBe("Clínica Uno: vetting not approved");
        notice.Body.ShouldStartWith("Your clinic did not pass vetting: No primary-source license.");
    }

    [Fact]
    public void an_open_case_or_one_already_noticed_sends_nothing()
    {
        SendVettingDecisionNoticeHandler.Decide(Given.ReadyCase(), "Clínica Uno", Given.Now).ShouldBeNull();

        var vettingCase = Given.ReadyCase();
        vettingCase.Apply(new VettingCaseRejected(vettingCase.Id, Given.ClinicId, "alma-approver", "No", Given.Now));
        vettingCase.Apply(new VettingDecisionNoticeSent(vettingCase.Id, Given.ClinicId, CaseStatus.Rejected, "clinic-notices", Given.Now));
        SendVettingDecisionNoticeHandler.Decide(vettingCase, "Clínica Uno", Given.Now.AddHours(1)).ShouldBeNull();
    }
}
