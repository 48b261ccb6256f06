using ClinicVetting.Shared;
using System.Text.Json;
using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Ranking;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// The access test shows who is let through; this one shows that being let through is worth something: in every
/// family of endpoints, every role allowed anywhere in it completes real work there with valid data (a 2xx and its
/// effect), through endpoints the access table allows that role. A role or family without such work fails the test.
/// </summary>
public class each_allowed_role_completes_real_work(AppFixture fixture) : IntegrationContext(fixture)
{
    public static IEnumerable<object[]> Cases() =>
        from family in EndpointAccessTable.Rows.Select(x => x.Family).Distinct()
        from role in EndpointAccessTable.Rows.Where(x => x.Family == family).SelectMany(x => x.Allowed).Distinct()
        select new object[] { family, role };

    private readonly List<string> _done = [];
    private string _family = "";
    private string _role = "";
    private string? _token;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task completes_work_in_its_family(string family, string role)
    {
        (_family, _role) = (family, role);
        _token = role == EndpointAccessTable.Anonymous ? null : Fixture.TokenFor($"real-{role}", role);

        await (family switch
        {
            "clinics" => Clinics(),
            "claims" => Claims(),
            "vetting" => Vetting(),
            "reference data" => ReferenceData(),
            "reviews" => Reviews(),
            "ranking" => Ranking(),
            "audit" => Audit(),
            "public feed" => PublicFeed(),
            "notifications" => Notifications(),
            _ => throw new InvalidOperationException($"No real work written for the family '{family}': add it here."),
        });

        _done.ShouldNotBeEmpty($"{role} did no real work in {family}");
    }

    /// <summary>One call as the role under test: the route must be a row of this family allowing the role, and the answer a 2xx.</summary>
    private async Task<IScenarioResult> As(string method, string route, string url, object? body = null, string contentType = "application/json")
    {
        var row = EndpointAccessTable.Rows.SingleOrDefault(x => x.Method == method && x.Route == route)
            .ShouldNotBeNull($"{method} {route} is not in the access table");
        row.Family.ShouldBe(_family, $"{method} {route}");
        row.Allowed.ShouldContain(_role, $"{_role} may not call {method} {route}");

        IScenarioResult result = null!;
        await Host.ExecuteAndWaitAsync(async () => result = await Call(_token, s =>
        {
            if (body is string raw)
            {
                s.Post.Text(raw).ToUrl(url);
                s.WithRequestHeader("Content-Type", contentType);
            }
            else if (body is not null)
            {
                s.Post.Json(body).ToUrl(url);
            }
            else
            {
                s.Post.Url(url);
            }

            s.ConfigureHttpContext(http => http.Request.Method = method);
            s.IgnoreStatusCode();
        }));

        var status = result.Context.Response.StatusCode;
        status.ShouldBeInRange(200, 299, $"{_role}: {method} {url} answered {status}: {result.ReadAsText()}");
        _done.Add($"{method} {route}");
        return result;
    }

    private Task<IScenarioResult> Get(string route, string url) => As("GET", route, url);

    private static T Read<T>(IScenarioResult result) where T : class => result.ReadAsJson<T>().ShouldNotBeNull();

    private bool Writes => _role is Roles.Staff or Roles.Approver;

    private async Task Clinics()
    {
        Guid clinicId;
        if (Writes)
        {
            clinicId = Read<NewClinic>(await As("POST", "/api/clinics", "/api/clinics", ClinicScenarios.AClinic($"Real {_role} Clinic"))).Id;
            await As("PUT", "/api/clinics/{clinicId}", $"/api/clinics/{clinicId}", ClinicScenarios.AClinic($"Real {_role} Clinic", "Tulum"));
        }
        else
        {
            clinicId = (await Host.RegisterClinic(Staff, ClinicScenarios.AClinic($"Real {_role} Clinic", "Tulum"))).Id;
        }

        Read<ClinicOverview>(await Get("/api/clinics/{clinicId}", $"/api/clinics/{clinicId}")).City.ShouldBe("Tulum");
        Read<Page<ClinicOverview>>(await Get("/api/clinics", "/api/clinics?q=Real")).Items.Select(x => x.Id).ShouldContain(clinicId);
    }

    private async Task Claims()
    {
        var clinicId = (await Host.RegisterClinic(Staff)).Id;
        var claims = $"/api/clinics/{clinicId}/claims";
        if (Writes)
        {
            var today = Fixture.Clock.Today;
            await As("POST", "/api/clinics/{clinicId}/claims/licenses", $"{claims}/licenses",
                new LicenseInput("COFEPRIS", "LIC-REAL", today.AddYears(-1), today.AddYears(2)));
            var therapy = Read<ClaimOnFile>(await As("POST", "/api/clinics/{clinicId}/claims/therapies", $"{claims}/therapies",
                new TherapyInput("orthopedics", CellType.Mesenchymal, CellSource.Autologous, AdministrationRoute.LocalInjection)));
            await As("PUT", "/api/clinics/{clinicId}/claims/medical-evaluation", $"{claims}/medical-evaluation",
                new MedicalEvaluationInput(["active-infection", "cancer"], RequiresHealthHistory: true, ApprovesBeforeReview: false));
            await As("PUT", "/api/clinics/{clinicId}/claims/aftercare", $"{claims}/aftercare", new AftercareInput("Calls at 1 and 3 months", "Partner hospital"));
            await As("POST", "/api/clinics/{clinicId}/claims/{claimId}/withdrawal", $"{claims}/{therapy.ClaimId}/withdrawal", new WithdrawalInput("Not offered"));

            var read = Read<ClinicClaims>(await Get("/api/clinics/{clinicId}/claims", claims));
            (read.Licenses.Count, read.Therapies.Count, read.MedicalEvaluation?.RequiresHealthHistory == true, read.Aftercare is null).ShouldBe((1, 0, true, false));
            return;
        }

        await Host.PostJson(Staff, $"{claims}/licenses", new LicenseInput("COFEPRIS", "LIC-REAL", Fixture.Clock.Today, Fixture.Clock.Today.AddYears(2)));
        Read<ClinicClaims>(await Get("/api/clinics/{clinicId}/claims", claims)).Licenses.ShouldHaveSingleItem().Number.ShouldBe("LIC-REAL");
    }

    private async Task Vetting()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today, $"Real {_role} Vetting");
        Guid caseId;
        if (_role == Roles.Staff)
        {
            var opened = Read<NewVettingCase>(await As("POST", "/api/vetting/cases", "/api/vetting/cases", new OpenCaseInput(clinicId)));
            caseId = opened.Id;
            await As("POST", "/api/vetting/cases/{caseId}/checks/{check}/evidence", $"/api/vetting/cases/{opened.Id}/checks/medical-team/evidence",
                new EvidenceBody(EvidenceOutcome.Passed, EvidenceSource.Document, "https://evidence.example/team", Fixture.Clock.Now));
            var flag = Read<RedFlagOnFile>(await As("POST", "/api/clinics/{clinicId}/red-flags", $"/api/clinics/{clinicId}/red-flags",
                new RedFlagInput(RedFlagCategory.Testimonials, "Testimonials on the home page")));
            await As("POST", "/api/clinics/{clinicId}/red-flags/{flagId}/clearance", $"/api/clinics/{clinicId}/red-flags/{flag.FlagId}/clearance",
                new ReasonBody("Removed from the site"));
            (await Host.GetCase(Auditor, opened.Id)).Checks.Single(x => x.Route == "medical-team").Status.ShouldBe(CheckStatus.Passed);
        }
        else if (_role == Roles.Approver)
        {
            var approved = caseId = await Host.OpenCase(Staff, clinicId);
            await Host.RecordAllEvidence(Staff, approved, Fixture.Clock.Now);
            await As("POST", "/api/vetting/cases/{caseId}/approval", $"/api/vetting/cases/{approved}/approval");

            var rejected = await Host.OpenCase(Staff, await Host.ACleanClinic(Staff, Fixture.Clock.Today, "Real Rejected Clinic"));
            await As("POST", "/api/vetting/cases/{caseId}/rejection", $"/api/vetting/cases/{rejected}/rejection", new ReasonBody("No protocol on file"));

            var waived = await Host.OpenCase(Staff, await Host.ACleanClinic(Staff, Fixture.Clock.Today, "Real Waived Clinic"));
            await As("POST", "/api/vetting/cases/{caseId}/checks/{check}/waiver", $"/api/vetting/cases/{waived}/checks/post-treatment-support/waiver",
                new ReasonBody("Day treatment only: no follow-up to check"));

            (await Host.GetCase(Auditor, approved)).Status.ShouldBe(CaseStatus.Approved);
            (await Host.GetCase(Auditor, rejected)).Status.ShouldBe(CaseStatus.Rejected);
        }
        else
        {
            caseId = await Host.OpenCase(Staff, clinicId);
        }

        Read<VettingCaseView>(await Get("/api/vetting/cases/{caseId}", $"/api/vetting/cases/{caseId}")).ClinicId.ShouldBe(clinicId);
        await Get("/api/vetting/cases", $"/api/vetting/cases?clinicId={clinicId}");
        await Get("/api/vetting/work-queue", "/api/vetting/work-queue?days=30");
        await Get("/api/vetting/notifications", $"/api/vetting/notifications?clinicId={clinicId}");
    }

    private async Task ReferenceData()
    {
        Read<List<ClinicVetting.Shared.Conditions.Condition>>(await Get("/api/reference/conditions", "/api/reference/conditions"))
            .ShouldContain(x => x.Code == "orthopedics");
        if (_role is EndpointAccessTable.Anonymous or Roles.Booking)
        {
            return;
        }

        var rules = Read<CurrentVettingRules>(await Get("/api/reference/vetting-rules", "/api/reference/vetting-rules"));
        if (_role == Roles.Approver)
        {
            await As("PUT", "/api/reference/regulators/{country}", "/api/reference/regulators/BR",
                new RegulatorInput("Brazilian Health Regulatory Agency", "ANVISA", null, null, null, "New market"));
            await As("PUT", "/api/reference/vetting-rules", "/api/reference/vetting-rules",
                new PublishVettingRulesInput(rules.Rules with { EvidenceFreshnessDays = 100 }, "Fresher evidence"));
            Read<CurrentVettingRules>(await Get("/api/reference/vetting-rules", "/api/reference/vetting-rules")).Rules.EvidenceFreshnessDays.ShouldBe(100);
        }

        var regulators = Read<RegulatorDirectory>(await Get("/api/reference/regulators", "/api/reference/regulators"));
        regulators.ByCountry.ContainsKey("BR").ShouldBe(_role == Roles.Approver);
    }

    private ReviewSubmission AReview(Guid clinicId, string id, bool verified = true) => new(id, $"BK-{id}", clinicId, 4,
        $"Review {id}: the team explained every step and the follow-up calls were reassuring.", "Knee program",
        Fixture.Clock.Today.AddDays(-40), Fixture.Clock.Now.AddDays(-3), verified, "Pat Doe", $"{id}@mail.example");

    private async Task Reviews()
    {
        var clinicId = (await Host.RegisterClinic(Staff)).Id;
        var booking = Fixture.TokenFor("booking-system", Roles.Booking);
        if (_role == Roles.Booking)
        {
            await As("POST", "/api/reviews", "/api/reviews", AReview(clinicId, "real-1"));
            var summary = Read<ImportSummary>(await As("POST", "/api/reviews/import", "/api/reviews/import",
                JsonSerializer.Serialize(AReview(clinicId, "real-2"), Json) + "\n", "application/x-ndjson"));
            summary.Accepted.ShouldBe(1);
            return;
        }

        var published = Read<ReviewReceipt>(await Host.PostJson(booking, "/api/reviews", AReview(clinicId, "real-published"), 201));
        if (_role == EndpointAccessTable.Anonymous)
        {
            Read<Page<PublicReview>>(await Get("/api/public/clinics/{clinicId}/reviews", $"/api/public/clinics/{clinicId}/reviews"))
                .Items.ShouldHaveSingleItem().Id.ShouldBe(published.Id);
            return;
        }

        if (Writes)
        {
            var held = Read<ReviewReceipt>(await Host.PostJson(booking, "/api/reviews", AReview(clinicId, "real-held", verified: false), 201));
            await As("POST", "/api/reviews/{reviewId}/publish", $"/api/reviews/{held.Id}/publish", new { reason = "verifiedWithPatient", note = "Called the patient" });
            await As("POST", "/api/reviews/{reviewId}/reject", $"/api/reviews/{published.Id}/reject", new { reason = "incentivised", note = "Discount offered" });
            await As("POST", "/api/reviews/{reviewId}/restore", $"/api/reviews/{published.Id}/restore", new { reason = "appealUpheld", note = "No discount after all" });
        }

        Read<ReviewDetails>(await Get("/api/reviews/{reviewId}", $"/api/reviews/{published.Id}")).Review.Status.ShouldBe(ReviewStatus.Published);
        Read<Page<Review>>(await Get("/api/reviews", $"/api/reviews?clinicId={clinicId}")).Total.ShouldBe(Writes ? 2 : 1);
        await Get("/api/reviews/fairness-report", "/api/reviews/fairness-report");
        await CatchUpProjections();
        await Get("/api/clinics/{clinicId}/review-stats", $"/api/clinics/{clinicId}/review-stats");
    }

    private async Task Ranking()
    {
        var clinicId = (await Host.RegisterClinic(Staff)).Id;
        var policy = Read<CurrentRankingPolicy>(await Get("/api/ranking/policy", "/api/ranking/policy"));
        var inquiry = new InquiryResponseInput(6, Fixture.Clock.Now.AddDays(-1), "Mystery shopper");
        switch (_role)
        {
            case EndpointAccessTable.Anonymous:
                policy.Version.ShouldBe(1);
                return;
            case Roles.Booking:
                await As("POST", "/api/clinics/{clinicId}/efficiency/inquiry-responses", $"/api/clinics/{clinicId}/efficiency/inquiry-responses", inquiry);
                return;
            case Roles.Staff:
                await As("POST", "/api/clinics/{clinicId}/efficiency/inquiry-responses", $"/api/clinics/{clinicId}/efficiency/inquiry-responses", inquiry);
                await As("POST", "/api/clinics/{clinicId}/efficiency/follow-ups", $"/api/clinics/{clinicId}/efficiency/follow-ups",
                    new FollowUpCompletionInput(10, 9, Fixture.Clock.Today.AddDays(-90), Fixture.Clock.Today.AddDays(-1)));
                await As("POST", "/api/ranking/proposals", "/api/ranking/proposals");
                break;
            case Roles.Approver:
                var proposal = await Host.Propose(Staff);
                await As("POST", "/api/ranking/proposals/{proposalId}/decline", $"/api/ranking/proposals/{proposal.Id}/decline", new ReasonBody("Wait for the new policy"));
                await As("PUT", "/api/ranking/policy", "/api/ranking/policy", new PublishRankingPolicyInput(policy.Policy with { ListSize = 12 }, "Longer lists"));
                await As("POST", "/api/clinics/{clinicId}/sponsored-placements", $"/api/clinics/{clinicId}/sponsored-placements",
                    new SponsoredPlacementInput("Sponsored", Fixture.Clock.Now, Fixture.Clock.Now.AddDays(30)));
                Read<CurrentRankingPolicy>(await Get("/api/ranking/policy", "/api/ranking/policy")).Policy.ListSize.ShouldBe(12);
                break;
            default:
                await Host.Propose(Staff);
                break;
        }

        var proposals = Read<Page<ProposalSummary>>(await Get("/api/ranking/proposals", "/api/ranking/proposals"));
        var id = proposals.Items.ShouldHaveSingleItem().Id;
        await Get("/api/ranking/proposals/{proposalId}", $"/api/ranking/proposals/{id}");
    }

    /// <summary>One clinic approved, reviewed and published in edition 1.</summary>
    private async Task<Guid> AnEdition()
    {
        var clinicId = await Host.AnApprovedClinic(Fixture, "Real Edition Clinic", [5, 4, 5, 4, 5]);
        var proposal = await Host.Propose(Staff);
        await Host.ApproveProposal(Approver, proposal.Id);
        await CatchUpProjections();
        return clinicId;
    }

    private async Task Audit()
    {
        var clinicId = await AnEdition();
        await Get("/api/audit/events", "/api/audit/events?limit=50");
        await Get("/api/audit/clinics/{clinicId}", $"/api/audit/clinics/{clinicId}?at={Uri.EscapeDataString(Fixture.Clock.Now.ToString("O"))}");
        await Get("/api/audit/editions/{edition}/replay", "/api/audit/editions/1/replay");
        await As("POST", "/api/audit/editions/{edition}/what-if", "/api/audit/editions/1/what-if", new { policyVersion = 1 });
        await Get("/api/audit/integrity", "/api/audit/integrity");
    }

    private async Task PublicFeed()
    {
        var clinicId = await AnEdition();
        Read<PublicRankingListProbe>(await Get("/api/public/rankings", "/api/public/rankings")).Entries.ShouldContain(x => x.ClinicId == clinicId);
        await Get("/api/public/rankings", "/api/public/rankings?condition=orthopedics");
        await Get("/api/public/rankings/editions", "/api/public/rankings/editions");
        await Get("/api/public/rankings/editions/{edition}", "/api/public/rankings/editions/1");
        (await Get("/api/public/rankings/feed.atom", "/api/public/rankings/feed.atom")).ReadAsText().ShouldContain("Real Edition Clinic");
    }

    private async Task Notifications()
    {
        if (_role == Roles.Approver)
        {
            var created = Read<ClinicVetting.Notifications.NewWebhookSubscriber>(await As("POST", "/api/notifications/webhooks", "/api/notifications/webhooks",
                new ClinicVetting.Notifications.WebhookSubscription("https://hooks.example/clinicvetting", [ClinicVetting.Notifications.WebhookEvents.EditionPublished])));
            Read<List<ClinicVetting.Notifications.WebhookSubscriberView>>(await Get("/api/notifications/webhooks", "/api/notifications/webhooks"))
                .Select(x => x.Id).ShouldContain(created.Id);
            await As("DELETE", "/api/notifications/webhooks/{subscriberId}", $"/api/notifications/webhooks/{created.Id}");
        }

        Read<Page<ClinicVetting.Notifications.NoticeDelivery>>(await Get("/api/notifications/notices", "/api/notifications/notices"));
        Read<Page<ClinicVetting.Notifications.WebhookDelivery>>(await Get("/api/notifications/webhooks/dead-letters", "/api/notifications/webhooks/dead-letters"));
    }

    private sealed record PublicRankingListProbe(int Edition, IReadOnlyList<PublicEntryProbe> Entries);

    private sealed record PublicEntryProbe(Guid ClinicId, int Rank);
}
