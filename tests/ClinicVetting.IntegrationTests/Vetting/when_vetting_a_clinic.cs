using ClinicVetting.Shared;
using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Monitoring;
using Marten;

namespace ClinicVetting.IntegrationTests.Vetting;

public class when_vetting_a_clinic(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task a_clean_clinic_goes_from_registration_to_approval_with_a_decision_notice()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);

        var opened = await Host.GetCase(Staff, caseId);
        opened.Checks.Select(x => x.Route).ShouldBe(VettingScenarios.AllChecks);
        opened.Checks.ShouldAllBe(x => x.Status == CheckStatus.Pending && !x.Findings.Any(f => f.Blocking));
        opened.RulesVersion.ShouldBe(1);
        opened.LookupTasks.ShouldHaveSingleItem().Instructions.ShouldContain("Federal Commission for Protection against Sanitary Risks");
        (await Host.GetClinic(Staff, clinicId)).Status.ShouldBe(ClinicStatus.UnderVetting);

        await Host.RecordAllEvidence(Staff, caseId, Fixture.Clock.Now.AddDays(-2));
        var (tracked, approval) = await Host.Approve(Approver, caseId);

        approval.Context.Response.StatusCode.ShouldBe(200);
        var decided = approval.ReadAsJson<CaseDecision>()!;
        decided.Decision.ShouldBe(CaseStatus.Approved);
        decided.ReverifyBy.ShouldBe(Fixture.Clock.Now.AddMonths(36));
        tracked.Scheduled.SingleMessage<ReverificationDue>().CaseId.ShouldBe(caseId);

        var clinic = await Host.GetClinic(Staff, clinicId);
        clinic.Status.ShouldBe(ClinicStatus.Approved);
        clinic.ApprovedCaseId.ShouldBe(caseId);

        var view = await Host.GetCase(Auditor, caseId);
        view.Status.ShouldBe(CaseStatus.Approved);
        view.DecidedBy.ShouldBe("arthur-approver");
        view.NoticeSentAt.ShouldNotBeNull();
        await using var session = Store.QuerySession();
        var notice = await session.LoadAsync<ClinicNotice>(caseId);
        notice!.Decision.ShouldBe(CaseStatus.Approved);
        (await session.Events.FetchStreamAsync(caseId)).Last().Data.ShouldBeOfType<VettingDecisionNoticeSent>();
    }

    [Fact]
    public async Task the_approval_answer_says_exactly_what_is_missing()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        await Host.RecordEvidence(Staff, caseId, "license", Fixture.Clock.Now);
        await Host.RecordEvidence(Staff, caseId, "therapy-approval", Fixture.Clock.Now, EvidenceOutcome.Failed);

        var (_, refusal) = await Host.Approve(Approver, caseId);

        var problem = refusal.ShouldBeProblem(422);
        problem.Reasons.ShouldNotBeNull().Length.ShouldBe(8);
        problem.Reasons.ShouldContain("Therapy approval: the latest evidence (https://evidence.example/therapy-approval) failed.");
        problem.Reasons.ShouldContain("Post-treatment support: no evidence recorded yet.");
        (await Host.GetCase(Staff, caseId)).Status.ShouldBe(CaseStatus.Open);
    }

    [Fact]
    public async Task an_approver_cannot_decide_a_case_they_prepared()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Approver, clinicId);
        await Host.RecordAllEvidence(Staff, caseId, Fixture.Clock.Now);

        var (_, refusal) = await Host.Approve(Approver, caseId);

        refusal.ShouldBeProblem(422).Detail.ShouldNotBeNull().ShouldContain("Four eyes");
        var (_, rejection) = await Host.SendTracked(Approver, s => s.Post.Json(new ReasonBody("no")).ToUrl($"/api/vetting/cases/{caseId}/rejection"));
        rejection.ShouldBeProblem(422);

        var other = Fixture.TokenFor("olivia-approver", "approver");
        (await Host.Approve(other, caseId)).Result.Context.Response.StatusCode.ShouldBe(200);
    }

    [Fact]
    public async Task evidence_older_than_120_days_at_the_decision_blocks_approval()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        await Host.RecordAllEvidence(Staff, caseId, Fixture.Clock.Now);
        Fixture.Clock.Advance(TimeSpan.FromDays(121));

        var (_, refusal) = await Host.Approve(Approver, caseId);

        var reasons = refusal.ShouldBeProblem(422).Reasons.ShouldNotBeNull();
        reasons.Length.ShouldBeGreaterThanOrEqualTo(9);
        reasons.ShouldContain(x => x.StartsWith("License: the evidence") && x.Contains("121 days ago") && x.Contains("at most 120"));
    }

    [Fact]
    public async Task of_two_approvers_deciding_at_once_exactly_one_wins()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        await Host.RecordAllEvidence(Staff, caseId, Fixture.Clock.Now);

        var results = await Task.WhenAll(
            Call(Fixture.TokenFor("ann-approver", "approver"), s => { s.Post.Url($"/api/vetting/cases/{caseId}/approval"); s.IgnoreStatusCode(); }),
            Call(Fixture.TokenFor("bob-approver", "approver"), s => { s.Post.Json(new ReasonBody("Not convinced")).ToUrl($"/api/vetting/cases/{caseId}/rejection"); s.IgnoreStatusCode(); }),
            Call(Fixture.TokenFor("cy-approver", "approver"), s => { s.Post.Url($"/api/vetting/cases/{caseId}/approval"); s.IgnoreStatusCode(); }));

        results.Count(x => x.Context.Response.StatusCode == 200).ShouldBe(1);
        results.Count(x => x.Context.Response.StatusCode == 409).ShouldBe(2);
        await using var session = Store.QuerySession();
        var decisions = (await session.Events.FetchStreamAsync(caseId)).Count(x => x.Data is VettingCaseApproved or VettingCaseRejected);
        decisions.ShouldBe(1);
    }

    [Fact]
    public async Task a_clinic_has_one_open_case_at_a_time()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        await Host.OpenCase(Staff, clinicId);

        var again = await Host.PostJson(Staff, "/api/vetting/cases", new OpenCaseInput(clinicId), 409);
        again.ShouldBeProblem(409);
    }

    [Fact]
    public async Task racing_openings_open_one_case()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Call(Staff, s => { s.Post.Json(new OpenCaseInput(clinicId)).ToUrl("/api/vetting/cases"); s.IgnoreStatusCode(); })));

        results.Count(x => x.Context.Response.StatusCode == 201).ShouldBe(1);
        results.Count(x => x.Context.Response.StatusCode == 409).ShouldBe(3);
        await using var session = Store.QuerySession();
        (await session.Query<VettingCase>().CountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task an_approver_waives_a_check_with_a_reason_and_it_counts()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        foreach (var check in VettingScenarios.AllChecks.Where(x => x != "claims-and-communication"))
        {
            await Host.RecordEvidence(Staff, caseId, check, Fixture.Clock.Now);
        }

        await Host.PostJson(Approver, $"/api/vetting/cases/{caseId}/checks/claims-and-communication/waiver",
            new ReasonBody("The clinic publishes no marketing of its own"));
        var waived = (await Host.GetCase(Staff, caseId)).Checks.Single(x => x.Kind == CheckKind.ClaimsAndCommunication);
        waived.Status.ShouldBe(CheckStatus.Waived);
        waived.Waiver!.WaivedBy.ShouldBe("arthur-approver");

        (await Host.Approve(Fixture.TokenFor("olivia-approver", "approver"), caseId)).Result.Context.Response.StatusCode.ShouldBe(200);
    }

    [Fact]
    public async Task evidence_for_a_check_that_does_not_exist_is_a_404()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);

        (await Host.RecordEvidence(Staff, caseId, "bedside-manner", Fixture.Clock.Now, status: 404)).ShouldBeProblem(404);
    }

    [Fact]
    public async Task evidence_without_a_reference_is_a_400()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);

        var result = await Host.PostJson(Staff, $"/api/vetting/cases/{caseId}/checks/license/evidence",
            new { outcome = "passed", source = "document", reference = "", obtainedAt = Fixture.Clock.Now }, 400);

        result.ShouldBeProblem(400).Errors!.Keys.ShouldBe(["reference"]);
    }

    [Fact]
    public async Task evidence_for_an_unknown_case_is_a_404()
    {
        (await Host.RecordEvidence(Staff, Guid.NewGuid(), "license", Fixture.Clock.Now, status: 404)).ShouldBeProblem(404);
    }

    [Fact]
    public async Task a_rejection_needs_a_reason_and_reaches_the_clinic()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);

        (await Host.PostJson(Approver, $"/api/vetting/cases/{caseId}/rejection", new { reason = " " }, 400)).ShouldBeProblem(400);
        await Host.PostJson(Approver, $"/api/vetting/cases/{caseId}/rejection", new ReasonBody("The license could not be confirmed"));

        (await Host.GetClinic(Staff, clinicId)).Status.ShouldBe(ClinicStatus.Rejected);
        await using var session = Store.QuerySession();
        (await session.LoadAsync<ClinicNotice>(caseId))!.Body.ShouldContain("The license could not be confirmed");
    }
}
