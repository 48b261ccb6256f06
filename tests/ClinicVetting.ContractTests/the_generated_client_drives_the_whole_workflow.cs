using ClinicVetting.ContractTests.GeneratedClient.Models;
using ClinicVetting.ContractTests.Support;
using Microsoft.Kiota.Abstractions;

namespace ClinicVetting.ContractTests;

/// <summary>
/// Only the client Kiota generates from the committed contract, as an integrator would use it: from registering a
/// clinic to an auditor replaying the edition it was published in. What the client cannot say is a contract defect.
/// </summary>
[Collection(ContractCollection.Name)]
public sealed class the_generated_client_drives_the_whole_workflow(ContractApp contract)
{
    private static readonly string[] Checks =
    [
        "license", "therapy-approval", "accreditations", "cell-source", "medical-team", "treatment-protocol", "medical-evaluation",
        "post-treatment-support", "claims-and-communication",
    ];

    [Fact]
    public async Task from_registration_to_a_replayed_edition()
    {
        var staff = GeneratedClients.For(contract.App, contract.App.TokenFor("workflow-staff", "staff"));
        var approver = GeneratedClients.For(contract.App, contract.App.TokenFor("workflow-approver", "approver"));
        var booking = GeneratedClients.For(contract.App, contract.App.TokenFor("workflow-booking", "booking"));
        var auditor = GeneratedClients.For(contract.App, contract.App.TokenFor("workflow-auditor", "auditor"));
        var anonymous = GeneratedClients.For(contract.App);
        var now = DateTimeOffset.UtcNow;
        var today = now.UtcDateTime.Date;
        var name = $"Workflow clinic {Guid.NewGuid():N}";

        var clinic = await staff.Api.Clinics.PostAsync(new ClinicDetails { Name = name, City = "Cancún", Country = "MX", YearsOfExperience = 10 });
        var clinicId = Guid.Parse(clinic.ShouldNotBeNull().Url!.Split('/').Last());

        var claims = staff.Api.Clinics[clinicId].Claims;
        await claims.Licenses.PostAsync(new LicenseInput
            { IssuedBy = "COFEPRIS", Number = "LIC-WORKFLOW", ValidFrom = new Date(today.AddYears(-1)), ValidUntil = new Date(today.AddYears(2)) });
        await claims.Accreditations.PostAsync(new AccreditationInput
        {
            Issuer = "Joint Commission International", CertificateId = "JCI-WORKFLOW", ValidFrom = new Date(today.AddYears(-1)),
            ValidUntil = new Date(today.AddYears(2)), Scopes = ["hospital"],
        });
        await claims.Therapies.PostAsync(new TherapyInput
        {
            Condition = "Orthopedic conditions", CellType = CellType.Mesenchymal, Source = CellSource.Autologous,
            Route = AdministrationRoute.LocalInjection, LabName = "CellLab Cancún", LabLicense = "COFEPRIS-LAB-99",
        });
        await claims.TeamMembers.PostAsync(new TeamMemberInput
            { Name = "Dr. Ana Ruiz", Specialty = "Orthopedic surgery", YearsOfExperience = 14, Certifications = ["Board certified"] });
        await claims.Protocols.PostAsync(new ProtocolInput { Program = "Knee program", Steps = ["Evaluation", "Harvest", "Injection", "Follow-up"] });
        var rules = await staff.Api.Reference.VettingRules.GetAsync();
        await claims.MedicalEvaluation.PutAsync(new MedicalEvaluationInput
        {
            ContraindicationsScreened = rules.ShouldNotBeNull().Rules!.Contraindications!.Select(x => x.Code!).ToList(),
            RequiresHealthHistory = true, ApprovesBeforeReview = false,
        });
        await claims.Aftercare.PutAsync(new AftercareInput
            { FollowUp = "Calls at 1, 3 and 6 months", ComplicationHandling = "24/7 physician line, partner hospital", FollowUpMonths = 6 });
        await claims.MarketingTexts.PostAsync(new MarketingTextInput
            { SourceUrl = "https://workflow.example", Text = "Regenerative care with realistic expectations." });

        var opened = await staff.Api.Vetting.Cases.PostAsync(new OpenCaseInput { ClinicId = clinicId });
        var caseId = opened.ShouldNotBeNull().Id.ShouldNotBeNull();
        foreach (var check in Checks)
        {
            await staff.Api.Vetting.Cases[caseId].Checks[check].Evidence.PostAsync(new EvidenceBody
            {
                Outcome = EvidenceOutcome.Passed, Source = EvidenceSource.Document, Reference = $"https://evidence.example/{check}",
                ObtainedAt = now, Note = "Checked with the issuer",
            });
        }

        var decision = await approver.Api.Vetting.Cases[caseId].Approval.PostAsync();
        decision.ShouldNotBeNull().Decision.ShouldBe(CaseStatus.Approved);
        decision.DecidedBy.ShouldBe("workflow-approver");

        var reviewIds = new List<Guid>();
        foreach (var (rating, index) in new[] { 5, 4, 5, 4, 5 }.Select((rating, index) => (rating, index)))
        {
            var id = $"{clinicId:N}-{index}";
            var receipt = await booking.Api.Reviews.PostAsync(new ReviewSubmission
            {
                ExternalReviewId = id, BookingId = $"BK-{id}", ClinicId = clinicId, Rating = rating,
                Text = $"Review {id}: rated {rating}, treatment number {index} went as the clinic explained it would.",
                Treatment = "Knee program", TreatmentDate = new Date(today.AddDays(-90 + index * 3)), WrittenAt = now.AddDays(-60 + index * 3),
                BookingVerified = true, ReviewerName = "Pat Doe", ReviewerEmail = $"pat{index}@mail.example",
            });
            reviewIds.Add(receipt.ShouldNotBeNull().Id.ShouldNotBeNull());
        }

        foreach (var reviewId in reviewIds)
        {
            (await Screened(() => staff.Api.Reviews[reviewId].GetAsync())).ShouldBe(ReviewStatus.Published);
        }

        var proposalId = (await staff.Api.Ranking.Proposals.PostAsync()).ShouldNotBeNull().Id!.Value;
        var computation = (await staff.Api.Ranking.Proposals[proposalId].GetAsync()).ShouldNotBeNull().Computation.ShouldNotBeNull();
        computation.Excluded!.Where(x => x.ClinicId == clinicId).SelectMany(x => x.Reasons!).ShouldBeEmpty();
        computation.Ranked!.Select(x => x.ClinicId).ShouldContain(clinicId);
        var edition = await approver.Api.Ranking.Proposals[proposalId].Approval.PostAsync(new ApprovalInput());
        var published = edition.ShouldNotBeNull().Edition.ShouldNotBeNull();

        // The daemon had not projected the edition in 60 s in the contract app (as DemoSite found): catch up once, then poll as a reader.
        await Marten.Events.TestingExtensions.ForceAllMartenDaemonActivityToCatchUpAsync(contract.App.Services, CancellationToken.None,
            Marten.Events.CatchUpMode.AndResumeNormally);
        var ranking = await PublishedOnTheFeed(() => anonymous.Api.Public.Rankings.GetAsync(), published);
        ranking.Entries.ShouldNotBeNull().Select(entry => entry.ClinicId).ShouldContain(clinicId);
        var feed = await anonymous.Api.Public.Rankings.FeedAtom.GetAsync();
        using (var reader = new StreamReader(feed.ShouldNotBeNull()))
        {
            (await reader.ReadToEndAsync()).ShouldContain(name);
        }

        var replay = await auditor.Api.Audit.Editions[published].Replay.GetAsync();
        replay.ShouldNotBeNull().Edition.ShouldBe(published);
        replay.Matches.ShouldBe(true, string.Join("; ", replay.Differences?.Select(x => $"{x.Clinic} {x.Field}: {x.Published}") ?? []));
    }

    /// <summary>Screening runs after the 201, on a queue: a caller polls the review until it leaves pending.</summary>
    private static async Task<ReviewStatus?> Screened(Func<Task<ReviewDetails?>> read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await read())?.Review?.Status is var status && status == ReviewStatus.Pending)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "a review still pending screening after 60 s");
            await Task.Delay(200);
        }

        return (await read())?.Review?.Status;
    }

    /// <summary>The public feed is an asynchronous projection: a reader polls until it carries the edition (404 before any).</summary>
    private static async Task<PublicRankingList> PublishedOnTheFeed(Func<Task<PublicRankingList?>> read, int edition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if (await read() is { } list && list.Edition >= edition)
                {
                    return list;
                }
            }
            catch (ApiException refused) when (refused.ResponseStatusCode == 404 && DateTime.UtcNow < deadline)
            {
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"edition {edition} not on the public feed after 60 s");
            await Task.Delay(200);
        }
    }
}
