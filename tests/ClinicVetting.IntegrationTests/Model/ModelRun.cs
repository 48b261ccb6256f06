using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.ReferenceData;
using Marten;

namespace ClinicVetting.IntegrationTests.Model;

/// <summary>What one execution of a list of steps did, and the first step (position in the list) that broke an invariant.</summary>
public sealed record RunResult(IReadOnlyList<string> Trace, IReadOnlyList<Violation> Violations, int FailedAt, IReadOnlyList<bool> Inert)
{
    public bool Failed => Violations.Count > 0;
}

/// <summary>
/// Drives one list of steps through HTTP against a freshly reset database and checks every invariant after each step.
/// Stops at the first step that breaks one (ignoring those named in <paramref name="ignored"/>).
/// </summary>
public sealed class ModelRun(ModelHost app, IReadOnlyList<Step> steps, IReadOnlySet<string> ignored, IReadOnlyList<int>? numbers = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan KeyRetention = TimeSpan.FromHours(24);
    private static readonly Person Everyone = new("eve-every-role", "*");

    private readonly List<string> _trace = [];
    private readonly List<Violation> _violations = [];
    private readonly List<Acknowledged> _acknowledged = [];
    private readonly List<Sent> _keyed = [];
    private readonly Dictionary<Guid, (ClinicKind Kind, string Body)> _registered = [];
    private readonly List<ReviewSent> _reviews = [];
    private readonly Dictionary<string, string> _tokens = [];
    private readonly List<bool> _inert = [];
    private bool _stepWrote;
    private EventLog _log = null!;
    private int _step;
    private int _requests;
    private int _registrations;
    private int _editionsReplayed;
    private List<string> _answers = [];

    private sealed record Sent(Person Who, HttpMethod Method, string Url, string? Body, string Key, WriteOperation Operation, int Status,
        string Answer, DateTimeOffset At);

    private sealed record Acknowledged(string Correlation, WriteOperation Operation, string Description);

    private sealed record ReviewSent(string ExternalId, string BookingId, Guid ClinicId, int Rating, bool Verified, string Body);

    private sealed record Answer(int Status, string Body, bool Replayed, IReadOnlyList<LoggedEvent> Written)
    {
        public bool Succeeded => Status is >= 200 and < 300;
        public JsonNode? Json => Body.Length > 0 && Body.TrimStart().StartsWith('{') ? JsonNode.Parse(Body) : null;
    }

    public async Task<RunResult> Execute()
    {
        await app.Reset();
        await using (var session = app.Store.QuerySession())
        {
            var rules = await session.LoadAsync<CurrentVettingRules>(CurrentVettingRules.StreamId) ?? new CurrentVettingRules();
            _log = new EventLog(rules.Rules.EvidenceFreshnessDays);
        }

        await _log.Pull(app.Store);
        for (_step = 0; _step < steps.Count; _step++)
        {
            _answers = [];
            _stepWrote = steps[_step] is Restart or AdvanceClock;
            var what = await Perform(steps[_step]);
            _inert.Add(!_stepWrote);
            _trace.Add($"{Number,3}. {steps[_step]}  ->  {what}{(_answers.Count > 0 ? $"  [{string.Join(" ", _answers)}]" : "")}");
            await CheckEditions(all: false);
            CollectLogViolations();
            if (_violations.Count > 0)
            {
                return new RunResult(_trace, _violations, _step, _inert);
            }
        }

        _trace.Add($"end: the whole log read again, every acknowledged write, every edition replayed, integrity");
        await CheckTheWholeLog();
        CollectLogViolations();
        return new RunResult(_trace, _violations, _violations.Count > 0 ? steps.Count : -1, _inert);
    }

    private Task<string> Perform(Step step) => step switch
    {
        Register s => Register(s),
        RegisterAgain s => RegisterAgain(s),
        Relicense s => Relicense(s),
        Advertise s => Advertise(s),
        OpenCase s => OpenCase(s),
        RecordEvidence s => RecordEvidence(s),
        PrepareAll s => PrepareAll(s),
        Waive s => Waive(s),
        WaiveAll s => WaiveAll(s),
        RaiseFlag s => RaiseFlag(s),
        ClearFlag s => ClearFlag(s),
        ApproveCase s => Decide(s.Worker, s.Case, approve: true),
        RejectCase s => Decide(s.Worker, s.Case, approve: false),
        Vet s => Vet(s),
        AdvanceClock s => PassTime(s),
        SubmitReview s => SubmitReview(s),
        ModerateReview s => ModerateReview(s),
        Propose s => Propose(s),
        Publish s => Publish(s),
        ApproveProposal s => DecideProposal(s.Worker, s.Proposal, approve: true),
        DeclineProposal s => DecideProposal(s.Worker, s.Proposal, approve: false),
        Retry s => Retry(s),
        Restart => RestartTheApi(),
        SendNotAnObject s => SendNotAnObject(s),
        Race s => Race(s),
        _ => throw new InvalidOperationException($"No way to perform {step}"),
    };

    // ---- Clinics and claims ----

    private async Task<string> Register(Register step)
    {
        var who = People.Workers[step.Worker];
        var n = _registrations++;
        var us = step.Kind == ClinicKind.UnapprovedUsTherapy;
        var body = ToJson(new
        {
            name = $"Model Clinic {n}",
            city = us ? "Miami" : "Cancún",
            country = us ? "US" : "MX",
            yearsOfExperience = 10,
            patientsPerYear = 800,
            costRange = new { min = 4000, max = 12000, currency = "USD" },
            bestFor = new[] { "Orthopedic conditions" },
            programs = new[]
            {
                new
                {
                    name = "Knee program", condition = "orthopedics", cellType = "mesenchymal", dose = "50 million cells",
                    includedServices = new[] { "Consultation" }, lengthOfStayDays = 3, price = 6000, discountedPrice = 5500, currency = "USD",
                },
            },
            accreditationsClaimed = new[] { "JCI" },
        });
        var registered = await Write(who, HttpMethod.Post, "/api/clinics", body, WriteOperations.RegisterClinic);
        if (!registered.Succeeded || registered.Json?["id"]?.GetValue<Guid>() is not { } id)
        {
            return $"{who} registers clinic {n} ({step.Kind}): refused";
        }

        _registered[id] = (step.Kind, body);
        var today = app.Clock.Today;
        var claims = $"/api/clinics/{id}/claims";
        await Write(who, HttpMethod.Post, $"{claims}/licenses", ToJson(new
        {
            issuedBy = us ? "Food and Drug Administration" : "COFEPRIS", number = $"LIC-{n}", validFrom = today.AddYears(-1),
            validUntil = today.AddYears(2), documentUrl = (string?)null,
        }), WriteOperations.ClaimLicense);
        await Write(who, HttpMethod.Post, $"{claims}/accreditations", ToJson(new
        {
            issuer = "Joint Commission International", certificateId = $"JCI-{n}", validFrom = today.AddYears(-1), validUntil = today.AddYears(2),
            scopes = new[] { "hospital" },
        }), WriteOperations.ClaimAccreditation);
        var documentedLab = step.Kind != ClinicKind.UndocumentedLab;
        await Write(who, HttpMethod.Post, $"{claims}/therapies", ToJson(new
        {
            condition = "Orthopedic conditions", cellType = "mesenchymal", source = "autologous", route = "localInjection",
            labName = documentedLab ? "CellLab Cancún" : null, labLicense = documentedLab ? "COFEPRIS-LAB-99" : null,
            inRegisteredTrial = false, trialRegistryId = (string?)null,
        }), WriteOperations.ClaimTherapy);
        await Write(who, HttpMethod.Post, $"{claims}/team-members", ToJson(new
        {
            name = "Dr. Ana Ruiz", specialty = "Orthopedic surgery", yearsOfExperience = 14, certifications = new[] { "Board certified" },
        }), WriteOperations.ClaimTeamMember);
        await Write(who, HttpMethod.Post, $"{claims}/protocols", ToJson(new
        {
            program = "Knee program", steps = new[] { "Evaluation", "Harvest", "Injection", "Follow-up" },
        }), WriteOperations.ClaimProtocol);
        await Write(who, HttpMethod.Put, $"{claims}/medical-evaluation", ToJson(new
        {
            contraindicationsScreened = VettingRuleSet.Default.Contraindications.Select(x => x.Code).ToArray(),
            requiresHealthHistory = true, approvesBeforeReview = false,
        }), WriteOperations.DescribeEvaluation);
        await Write(who, HttpMethod.Put, $"{claims}/aftercare", ToJson(new
        {
            followUp = "Calls at 1, 3 and 6 months", complicationHandling = "24/7 physician line, partner hospital", followUpMonths = 6,
        }), WriteOperations.DescribeAftercare);
        await Write(who, HttpMethod.Post, $"{claims}/marketing-texts", ToJson(new
        {
            sourceUrl = $"https://clinic-{n}.example",
            text = step.Kind == ClinicKind.GuaranteedResults
                ? "Results guaranteed: every patient walks again."
                : "Regenerative care with realistic expectations.",
        }), WriteOperations.CaptureMarketing);
        return $"{who} registers {Describe(id)} with its claims";
    }

    private async Task<string> RegisterAgain(RegisterAgain step)
    {
        if (ClinicAt(step.Clinic) is not { } clinic || !_registered.TryGetValue(clinic.Id, out var registered))
        {
            return "no clinic yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        await Write(who, HttpMethod.Post, "/api/clinics", registered.Body, WriteOperations.RegisterClinic);
        return $"{who} registers {Describe(clinic.Id)} again (same name and city)";
    }

    private async Task<string> Relicense(Relicense step)
    {
        if (ClinicAt(step.Clinic) is not { } clinic)
        {
            return "no clinic yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        foreach (var license in clinic.Licenses.ToList())
        {
            await Write(who, HttpMethod.Post, $"/api/clinics/{clinic.Id}/claims/{license}/withdrawal",
                ToJson(new { reason = "Replaced by the license on file today." }), WriteOperations.WithdrawClaim);
        }

        var today = app.Clock.Today;
        var us = _registered.GetValueOrDefault(clinic.Id).Kind == ClinicKind.UnapprovedUsTherapy;
        await Write(who, HttpMethod.Post, $"/api/clinics/{clinic.Id}/claims/licenses", ToJson(new
        {
            issuedBy = us ? "Food and Drug Administration" : "COFEPRIS", number = $"LIC-R{_step}", validFrom = today.AddYears(-3),
            validUntil = step.Expired ? today.AddDays(-10) : today.AddYears(3), documentUrl = (string?)null,
        }), WriteOperations.ClaimLicense);
        return $"{who} replaces the license of {Describe(clinic.Id)} with one {(step.Expired ? "that expired 10 days ago" : "valid 3 more years")}";
    }

    private async Task<string> Advertise(Advertise step)
    {
        if (ClinicAt(step.Clinic) is not { } clinic)
        {
            return "no clinic yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        await Write(who, HttpMethod.Post, $"/api/clinics/{clinic.Id}/claims/marketing-texts", ToJson(new
        {
            sourceUrl = $"https://ads-{_step}.example",
            text = step.Guarantee ? $"Guaranteed results in {_step} days, 100% success." : $"Our team answers within {_step} hours.",
        }), WriteOperations.CaptureMarketing);
        return $"{who} captures {(step.Guarantee ? "a guarantee in" : "plain")} marketing of {Describe(clinic.Id)}";
    }

    // ---- Vetting ----

    private async Task<string> OpenCase(OpenCase step)
    {
        if (ClinicAt(step.Clinic) is not { } clinic)
        {
            return "no clinic yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        await Write(who, HttpMethod.Post, "/api/vetting/cases", ToJson(new { clinicId = clinic.Id }), WriteOperations.OpenCase);
        return $"{who} opens a case on {Describe(clinic.Id)}";
    }

    private async Task<string> RecordEvidence(RecordEvidence step)
    {
        if (CaseAt(step.Case) is not { } vettingCase)
        {
            return "no case yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        await Evidence(who, vettingCase, step.Check, step.Passed, step.Stale);
        return $"{who} records {(step.Stale ? "stale " : "")}{(step.Passed ? "passing" : "failing")} evidence on {CheckRoute.NameOf(step.Check)} of {Describe(vettingCase)}";
    }

    private Task<Answer> Evidence(Person who, CaseFacts vettingCase, CheckKind check, bool passed, bool stale) =>
        Write(who, HttpMethod.Post, $"/api/vetting/cases/{vettingCase.Id}/checks/{CheckRoute.NameOf(check)}/evidence", ToJson(new
        {
            outcome = passed ? "passed" : "failed",
            source = "document",
            reference = $"https://evidence.example/{CheckRoute.NameOf(check)}/{_step}",
            obtainedAt = app.Clock.Now.AddDays(stale ? -125 : -1),
            note = "Checked with the issuer.",
        }), WriteOperations.RecordEvidence);

    private async Task<string> PrepareAll(PrepareAll step)
    {
        if (CaseAt(step.Case) is not { } vettingCase)
        {
            return "no case yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        foreach (var check in await Checks(who, vettingCase))
        {
            await Evidence(who, vettingCase, check.Kind, passed: !check.Blocked, step.Stale);
        }

        return $"{who} records {(step.Stale ? "stale " : "")}evidence on every check of {Describe(vettingCase)} (passing where the rules allow)";
    }

    private async Task<string> Waive(Waive step)
    {
        if (CaseAt(step.Case) is not { } vettingCase)
        {
            return "no case yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        await WaiveCheck(who, vettingCase, step.Check);
        return $"{who} waives {CheckRoute.NameOf(step.Check)} of {Describe(vettingCase)}";
    }

    private Task<Answer> WaiveCheck(Person who, CaseFacts vettingCase, CheckKind check) =>
        Write(who, HttpMethod.Post, $"/api/vetting/cases/{vettingCase.Id}/checks/{CheckRoute.NameOf(check)}/waiver",
            ToJson(new { reason = $"Not applicable here ({_step})." }), WriteOperations.Waive);

    private async Task<string> WaiveAll(WaiveAll step)
    {
        if (CaseAt(step.Case) is not { } vettingCase)
        {
            return "no case yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        foreach (var check in (await Checks(who, vettingCase)).Where(x => x.Status is not ("passed" or "waived")))
        {
            await WaiveCheck(who, vettingCase, check.Kind);
        }

        return $"{who} waives every check of {Describe(vettingCase)} that has not passed";
    }

    private async Task<string> RaiseFlag(RaiseFlag step)
    {
        if (ClinicAt(step.Clinic) is not { } clinic)
        {
            return "no clinic yet: nothing to do";
        }

        var who = People.Workers[step.Worker];
        await Write(who, HttpMethod.Post, $"/api/clinics/{clinic.Id}/red-flags", ToJson(new
        {
            category = "other", description = $"Staff concern {_step}: patients report pressure to pay upfront.", excerpt = (string?)null,
        }), WriteOperations.RaiseFlag);
        return $"{who} raises a red flag on {Describe(clinic.Id)}";
    }

    private async Task<string> ClearFlag(ClearFlag step)
    {
        if (ClinicAt(step.Clinic) is not { } clinic || clinic.Flags.Count == 0)
        {
            return "no red flag yet: nothing to do";
        }

        var open = clinic.Flags.Where(x => x.IsOpen).ToList();
        var flag = open.Count > 0 ? open[step.Flag % open.Count] : clinic.Flags[step.Flag % clinic.Flags.Count];
        var who = People.Workers[step.Worker];
        var what = $"{who} clears the {(flag.Flag.Automatic ? "rule-raised" : "staff")} {(flag.IsOpen ? "" : "(already cleared) ")}flag " +
                   $"'{flag.Flag.Category}' of {Describe(clinic.Id)}";
        await Write(who, HttpMethod.Post, $"/api/clinics/{clinic.Id}/red-flags/{flag.Flag.FlagId}/clearance",
            ToJson(new { reason = $"Checked and resolved ({_step})." }), WriteOperations.ClearFlag);
        return what;
    }

    private async Task<string> Decide(int worker, int caseIndex, bool approve)
    {
        if (CaseAt(caseIndex) is not { } vettingCase)
        {
            return "no case yet: nothing to do";
        }

        var who = People.Workers[worker];
        var what = $"{who} {(approve ? "approves" : "rejects")} {Describe(vettingCase)}";
        if (approve)
        {
            await Write(who, HttpMethod.Post, $"/api/vetting/cases/{vettingCase.Id}/approval", null, WriteOperations.ApproveCase);
        }
        else
        {
            await Write(who, HttpMethod.Post, $"/api/vetting/cases/{vettingCase.Id}/rejection",
                ToJson(new { reason = $"The file does not hold up ({_step})." }), WriteOperations.RejectCase);
        }

        return what;
    }

    private async Task<string> Vet(Vet step)
    {
        if (ClinicAt(step.Clinic) is not { } clinic)
        {
            return "no clinic yet: nothing to do";
        }

        var (staff, approver) = (People.Workers[step.Staff], People.Workers[step.Approver]);
        if (_log.Cases.LastOrDefault(x => x.ClinicId == clinic.Id && x.Status == CaseStatus.Open) is null)
        {
            await Write(staff, HttpMethod.Post, "/api/vetting/cases", ToJson(new { clinicId = clinic.Id }), WriteOperations.OpenCase);
        }

        if (_log.Cases.LastOrDefault(x => x.ClinicId == clinic.Id && x.Status == CaseStatus.Open) is not { } vettingCase)
        {
            return $"{staff} cannot open a case on {Describe(clinic.Id)}";
        }

        foreach (var check in await Checks(staff, vettingCase))
        {
            await Evidence(staff, vettingCase, check.Kind, passed: !check.Blocked, stale: false);
        }

        var what = $"{staff} prepares {Describe(vettingCase)} and {approver} approves it";
        await Write(approver, HttpMethod.Post, $"/api/vetting/cases/{vettingCase.Id}/approval", null, WriteOperations.ApproveCase);
        return what;
    }

    private Task<string> PassTime(AdvanceClock step)
    {
        app.Clock.Advance(TimeSpan.FromDays(step.Days));
        return Task.FromResult($"{step.Days} days pass (now {app.Clock.Today:yyyy-MM-dd})");
    }

    // ---- Reviews and ranking ----

    private async Task<string> SubmitReview(SubmitReview step)
    {
        // An approved clinic when there is one (most of the time), so that rankings have clinics to rank.
        var approved = _log.Clinics.Where(x => x.Approved).ToList();
        if ((step.Clinic > 0 && approved.Count > 0 ? approved[step.Clinic % approved.Count] : ClinicAt(step.Clinic)) is not { } clinic)
        {
            return "no clinic yet: nothing to do";
        }

        var earlier = _reviews.Count > 0 ? _reviews[step.Clinic % _reviews.Count] : null;
        if (earlier is null || step.Variant == ReviewVariant.New)
        {
            for (var i = 0; i < step.Count; i++)
            {
                var n = _reviews.Count;
                await Review(new ReviewSent($"model-review-{n}", $"BK-{n}", clinic.Id, step.Rating, step.Verified, ""), n, step.Variant);
            }

            return $"the booking system submits {step.Count} review(s) ({step.Rating} stars{(step.Verified ? ", verified" : "")}) of {Describe(clinic.Id)}";
        }

        var again = step.Variant switch
        {
            ReviewVariant.SameAgain => earlier,
            ReviewVariant.SameIdOtherContent => earlier with { Rating = step.Rating, Body = "" },
            _ => new ReviewSent($"model-review-{_reviews.Count}", earlier.BookingId, clinic.Id, step.Rating, step.Verified, ""),
        };
        var answer = await Review(again, _reviews.Count, step.Variant);
        if (step.Variant == ReviewVariant.SameAgain && !(answer.Succeeded && answer.Replayed))
        {
            Fail(Invariants.RetryReplays, $"the booking system sent review {earlier.ExternalId} again, unchanged, and got {answer.Status} " +
                                          $"{(answer.Replayed ? "" : "without Idempotent-Replayed")}: {Excerpt(answer.Body)}");
        }

        return $"the booking system sends review {earlier.ExternalId} again: {step.Variant}";
    }

    /// <summary>Submits a review (its body as first sent when it has one); remembers it when it was accepted.</summary>
    private async Task<Answer> Review(ReviewSent review, int n, ReviewVariant variant)
    {
        var body = review.Body.Length > 0
            ? review.Body
            : ToJson(new
            {
                externalReviewId = review.ExternalId, bookingId = review.BookingId, clinicId = review.ClinicId, rating = review.Rating,
                text = $"Review {n} ({variant}): rated {review.Rating}, the team explained every step and called after {n + 1} weeks.",
                treatment = "Knee program", treatmentDate = app.Clock.Today.AddDays(-40 - 3 * n), writtenAt = app.Clock.Now.AddDays(-30 - 3 * n),
                bookingVerified = review.Verified, reviewerName = "Pat Doe", reviewerEmail = $"pat{n}@mail.example",
            });
        var answer = await Write(People.Booking, HttpMethod.Post, "/api/reviews", body, WriteOperations.SubmitReview);
        if (answer.Succeeded && !answer.Replayed)
        {
            _reviews.Add(review with { Body = body });
        }

        return answer;
    }

    private async Task<string> ModerateReview(ModerateReview step)
    {
        if (_log.ReviewIds.Count == 0)
        {
            return "no review yet: nothing to do";
        }

        var reviewId = _log.ReviewIds[step.Review % _log.ReviewIds.Count];
        var who = People.Workers[step.Worker];
        var (path, reason, operation) = step.Action switch
        {
            ModerationAction.Publish => ("publish", "meetsGuidelines", WriteOperations.PublishReview),
            ModerationAction.Reject => ("reject", "fake", WriteOperations.RejectReview),
            _ => ("restore", "rejectedInError", WriteOperations.RestoreReview),
        };
        var what = $"{who} moderates ({path}) the {_log.ReviewStatuses.GetValueOrDefault(reviewId).ToString().ToLowerInvariant()} review {_log.ReviewIds.IndexOf(reviewId)}";
        await Write(who, HttpMethod.Post, $"/api/reviews/{reviewId}/{path}", ToJson(new { reason, note = "Checked against the booking." }), operation);
        return what;
    }

    private async Task<string> Propose(Propose step)
    {
        var who = People.Workers[step.Worker];
        var proposed = await Write(who, HttpMethod.Post, "/api/ranking/proposals", null, WriteOperations.Propose);
        return $"{who} proposes a ranking{(proposed.Json?["ranked"] is { } ranked ? $" ({ranked} clinic(s) ranked)" : "")}";
    }

    private async Task<string> Publish(Publish step)
    {
        var (staff, approver) = (People.Workers[step.Staff], People.Workers[step.Approver]);
        var proposed = await Write(staff, HttpMethod.Post, "/api/ranking/proposals", null, WriteOperations.Propose);
        if (proposed.Json?["id"]?.GetValue<Guid>() is not { } proposal)
        {
            return $"{staff} cannot propose a ranking";
        }

        await Write(approver, HttpMethod.Post, $"/api/ranking/proposals/{proposal}/approval", ToJson(new { overrides = Array.Empty<object>() }),
            WriteOperations.ApproveProposal);
        return $"{staff} proposes a ranking ({proposed.Json?["ranked"]} clinic(s) ranked) and {approver} approves it";
    }

    private async Task<string> DecideProposal(int worker, int index, bool approve)
    {
        if (_log.Proposals.Count == 0)
        {
            return "no proposal yet: nothing to do";
        }

        var open = _log.Proposals.Where(x => !_log.DecidedProposals.Contains(x)).ToList();
        var proposal = open.Count > 0 ? open[index % open.Count] : _log.Proposals[index % _log.Proposals.Count];
        var who = People.Workers[worker];
        if (approve)
        {
            await Write(who, HttpMethod.Post, $"/api/ranking/proposals/{proposal}/approval", ToJson(new { overrides = Array.Empty<object>() }),
                WriteOperations.ApproveProposal);
        }
        else
        {
            await Write(who, HttpMethod.Post, $"/api/ranking/proposals/{proposal}/decline", ToJson(new { reason = $"Not now ({_step})." }),
                WriteOperations.DeclineProposal);
        }

        return $"{who} {(approve ? "approves" : "declines")} {(open.Contains(proposal) ? "" : "the already decided ")}proposal {_log.Proposals.IndexOf(proposal)}";
    }

    // ---- Two callers at once ----

    private async Task<string> Race(Race step)
    {
        var (ada, ben, sam, sue) = (People.Workers[2], People.Workers[3], People.Workers[0], People.Workers[1]);
        if (step.Kind == RaceKind.ApproveProposal)
        {
            var open = _log.Proposals.Where(x => !_log.DecidedProposals.Contains(x)).ToList();
            if (open.Count == 0)
            {
                return "no open proposal: nothing to race for";
            }

            var proposal = open[step.Target % open.Count];
            var approval = ToJson(new { overrides = Array.Empty<object>() });
            await WriteAtOnce(
                Request(ada, HttpMethod.Post, $"/api/ranking/proposals/{proposal}/approval", approval, WriteOperations.ApproveProposal),
                Request(ben, HttpMethod.Post, $"/api/ranking/proposals/{proposal}/approval", approval, WriteOperations.ApproveProposal));
            return $"{ada} and {ben} approve proposal {_log.Proposals.IndexOf(proposal)} at the same instant";
        }

        if (CaseAt(step.Target) is not { } vettingCase)
        {
            return "no case yet: nothing to race for";
        }

        var what = $"{Describe(vettingCase)}";
        var cases = $"/api/vetting/cases/{vettingCase.Id}";
        var check = CheckRoute.NameOf(step.Check);
        string EvidenceBody(Person who) => ToJson(new
        {
            outcome = "failed", source = "call", reference = $"https://evidence.example/{check}/{_step}/{who}",
            obtainedAt = app.Clock.Now.AddDays(-1), note = "Called the issuer.",
        });

        switch (step.Kind)
        {
            case RaceKind.DecideCase:
                await WriteAtOnce(
                    Request(ada, HttpMethod.Post, $"{cases}/approval", null, WriteOperations.ApproveCase),
                    Request(ben, HttpMethod.Post, $"{cases}/rejection", ToJson(new { reason = "Not convinced." }), WriteOperations.RejectCase));
                return $"{ada} approves and {ben} rejects {what} at the same instant";
            case RaceKind.RecordEvidence:
                await WriteAtOnce(
                    Request(sam, HttpMethod.Post, $"{cases}/checks/{check}/evidence", EvidenceBody(sam), WriteOperations.RecordEvidence),
                    Request(sue, HttpMethod.Post, $"{cases}/checks/{check}/evidence", EvidenceBody(sue), WriteOperations.RecordEvidence));
                return $"{sam} and {sue} record evidence on {check} of {what} at the same instant";
            case RaceKind.WaiveCheck:
                await WriteAtOnce(
                    Request(ada, HttpMethod.Post, $"{cases}/checks/{check}/waiver", ToJson(new { reason = "Ada: not applicable." }), WriteOperations.Waive),
                    Request(ben, HttpMethod.Post, $"{cases}/checks/{check}/waiver", ToJson(new { reason = "Ben: not applicable." }), WriteOperations.Waive));
                return $"{ada} and {ben} waive {check} of {what} at the same instant";
            default:
                var first = Request(sam, HttpMethod.Post, $"{cases}/checks/{check}/evidence", EvidenceBody(sam), WriteOperations.RecordEvidence);
                var again = Request(sam, HttpMethod.Post, first.Url, first.Body, WriteOperations.RecordEvidence, first.Key);
                await WriteAtOnce(first, again);
                return $"{sam} sends the same evidence on {check} of {what} twice at the same instant, with one Idempotency-Key";
        }
    }

    // ---- Retries, restarts, shapeless bodies ----

    private async Task<string> Retry(Retry step)
    {
        var recent = _keyed.TakeLast(6).ToList();
        if (recent.Count == 0)
        {
            return "no keyed request yet: nothing to do";
        }

        var original = recent[^(1 + step.Back % recent.Count)];
        var body = step.SameBody ? original.Body : OtherBody(original.Body);
        var kept = original.Status is >= 200 and < 300 && app.Clock.Now - original.At <= KeyRetention;
        var answer = await Write(original.Who, original.Method, original.Url, body, original.Operation, original.Key, expectWrites: !kept);
        var what = $"{original.Who} retries '{original.Operation}' ({original.Status} at first) with its Idempotency-Key and {(step.SameBody ? "the same" : "another")} body";
        if (!kept)
        {
            return what + " (the key was not kept: a new attempt)";
        }

        if (step.SameBody && (answer.Status != original.Status || answer.Body != original.Answer || !answer.Replayed))
        {
            Fail(Invariants.RetryReplays, $"{what}: got {answer.Status}{(answer.Replayed ? "" : " without Idempotent-Replayed")} " +
                                          $"instead of {original.Status}: {Excerpt(answer.Body)}");
        }

        if (!step.SameBody && answer.Status != 422)
        {
            Fail(Invariants.KeyReuseRefused, $"{what}: got {answer.Status} instead of 422: {Excerpt(answer.Body)}");
        }

        return what;
    }

    private async Task<string> RestartTheApi()
    {
        await app.Restart();
        await CheckTheWholeLog();
        return "the API restarts on the same database; the whole log read again, every acknowledged write, every edition replayed, integrity";
    }

    private async Task<string> SendNotAnObject(SendNotAnObject step)
    {
        var clinic = ClinicAt(step.Worker)?.Id ?? Guid.NewGuid();
        var vettingCase = CaseAt(step.Worker)?.Id ?? Guid.NewGuid();
        var flag = ClinicAt(step.Worker)?.Flags.FirstOrDefault()?.Flag.FlagId ?? Guid.NewGuid();
        var review = _log.ReviewIds.FirstOrDefault(Guid.NewGuid());
        var proposal = _log.Proposals.FirstOrDefault(Guid.NewGuid());
        (HttpMethod Method, string Url)[] writes =
        [
            (HttpMethod.Post, "/api/clinics"),
            (HttpMethod.Put, $"/api/clinics/{clinic}"),
            (HttpMethod.Post, $"/api/clinics/{clinic}/claims/licenses"),
            (HttpMethod.Post, $"/api/clinics/{clinic}/claims/accreditations"),
            (HttpMethod.Post, $"/api/clinics/{clinic}/claims/therapies"),
            (HttpMethod.Post, $"/api/clinics/{clinic}/claims/team-members"),
            (HttpMethod.Post, $"/api/clinics/{clinic}/claims/protocols"),
            (HttpMethod.Put, $"/api/clinics/{clinic}/claims/medical-evaluation"),
            (HttpMethod.Put, $"/api/clinics/{clinic}/claims/aftercare"),
            (HttpMethod.Post, $"/api/clinics/{clinic}/claims/marketing-texts"),
            (HttpMethod.Post, $"/api/clinics/{clinic}/claims/{Guid.NewGuid()}/withdrawal"),
            (HttpMethod.Post, "/api/vetting/cases"),
            (HttpMethod.Post, $"/api/vetting/cases/{vettingCase}/checks/license/evidence"),
            (HttpMethod.Post, $"/api/vetting/cases/{vettingCase}/checks/medical-team/waiver"),
            (HttpMethod.Post, $"/api/vetting/cases/{vettingCase}/rejection"),
            (HttpMethod.Post, $"/api/clinics/{clinic}/red-flags"),
            (HttpMethod.Post, $"/api/clinics/{clinic}/red-flags/{flag}/clearance"),
            (HttpMethod.Post, $"/api/clinics/{clinic}/reinstatement"),
            (HttpMethod.Post, "/api/reviews"),
            (HttpMethod.Post, $"/api/reviews/{review}/publish"),
            (HttpMethod.Post, $"/api/reviews/{review}/reject"),
            (HttpMethod.Post, $"/api/reviews/{review}/restore"),
            (HttpMethod.Post, $"/api/ranking/proposals/{proposal}/decline"),
            (HttpMethod.Post, $"/api/clinics/{clinic}/efficiency/inquiry-responses"),
            (HttpMethod.Post, $"/api/clinics/{clinic}/efficiency/follow-ups"),
            (HttpMethod.Post, $"/api/clinics/{clinic}/sponsored-placements"),
            (HttpMethod.Put, "/api/reference/regulators/MX"),
            (HttpMethod.Put, "/api/reference/vetting-rules"),
            (HttpMethod.Put, "/api/ranking/policy"),
        ];
        var (method, url) = writes[step.Operation % writes.Length];
        var body = step.Shape switch
        {
            NotAnObject.Null => "null",
            NotAnObject.Array => "[]",
            NotAnObject.String => "\"approve\"",
            _ => "42",
        };
        var answer = await Write(Everyone, method, url, body, WriteOperations.Unshaped, expectWrites: false);
        if (answer.Succeeded)
        {
            Fail(Invariants.BodyMustBeAnObject, $"{method} {url} with the body {body} answered {answer.Status}: {Excerpt(answer.Body)}");
        }

        return $"a caller with every role sends {method} {url} with the body {body}";
    }

    // ---- Requests and what they wrote ----

    /// <summary>One write as sent: who, what, with which key, under which correlation id.</summary>
    private sealed record WriteRequest(Person Who, HttpMethod Method, string Url, string? Body, WriteOperation Operation, string? Key,
        string Correlation, bool ExpectWrites, DateTimeOffset SentAt)
    {
        public override string ToString() => $"{Who} {Method} {Url} ({Operation})";
    }

    private sealed record Response(int Status, string Body, bool Replayed);

    private WriteRequest Request(Person who, HttpMethod method, string url, string? body, WriteOperation operation, string? key = null,
        bool expectWrites = true)
    {
        var correlation = $"model-{_step}-{++_requests}";
        return new WriteRequest(who, method, url, body, operation, key ?? (method == HttpMethod.Post ? $"key-{_step}-{_requests}" : null),
            correlation, expectWrites, app.Clock.Now);
    }

    /// <summary>
    /// Sends one write (a POST with a fresh Idempotency-Key unless given one), waits for every message it set off, reads
    /// what the log gained and checks it: no 5xx, the role enforced, nothing written when refused or replayed, every
    /// event an acknowledged write promises written exactly once.
    /// </summary>
    private async Task<Answer> Write(Person who, HttpMethod method, string url, string? body, WriteOperation operation, string? key = null,
        bool expectWrites = true)
    {
        var request = Request(who, method, url, body, operation, key, expectWrites);
        var response = await app.AndWait(() => Send(request));
        return Judge(request, response, await PullWrites(), alone: true);
    }

    /// <summary>Several writes at the same instant: each is judged on the events of its own correlation id.</summary>
    private async Task<IReadOnlyList<Answer>> WriteAtOnce(params WriteRequest[] requests)
    {
        var responses = await app.AndWait(() => Task.WhenAll(requests.Select(Send)));
        var written = await PullWrites();
        return requests.Zip(responses, (request, response) => Judge(request, response, written, alone: false)).ToList();
    }

    private async Task<Response> Send(WriteRequest write)
    {
        using var request = new HttpRequestMessage(write.Method, write.Url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(write.Who));
        request.Headers.Add("X-Correlation-ID", write.Correlation);
        if (write.Key is not null) request.Headers.Add("Idempotency-Key", write.Key);
        if (write.Body is not null) request.Content = new StringContent(write.Body, Encoding.UTF8, "application/json");
        using var answer = await app.Client.SendAsync(request);
        return new Response((int)answer.StatusCode, await answer.Content.ReadAsStringAsync(),
            answer.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Contains("true"));
    }

    /// <summary>What the log gained (Marten's placeholders for sequence numbers of failed appends aside).</summary>
    private async Task<List<LoggedEvent>> PullWrites()
    {
        var written = (await _log.Pull(app.Store)).Where(x => !x.IsPlaceholder).ToList();
        _stepWrote |= written.Count > 0;
        return written;
    }

    /// <summary>Alone, everything the log gained is the request's; at once with others, what carries its correlation id.</summary>
    private Answer Judge(WriteRequest request, Response response, IReadOnlyList<LoggedEvent> gained, bool alone)
    {
        var written = alone ? gained : gained.Where(x => x.Correlation == request.Correlation).ToList();
        var result = new Answer(response.Status, response.Body, response.Replayed, written);
        _answers.Add(response.Replayed ? $"{response.Status}r" : $"{response.Status}");
        var what = $"{request} -> {response.Status}";

        if (response.Status >= 500)
        {
            Fail(Invariants.NoServerError, $"{what}: {Excerpt(response.Body)}");
        }

        var who = request.Who;
        if (request.Operation.Roles.Length > 0 && !request.Operation.Roles.Contains(who.Role) && who != Everyone && response.Status != 403)
        {
            Fail(Invariants.RoleEnforced, $"{what}, but a {who.Role} may not {request.Operation}");
        }

        if (!result.Succeeded && written.Count > 0)
        {
            Fail(Invariants.RefusedWritesNothing, $"{what} wrote {string.Join("; ", written)}");
        }
        else if (result.Succeeded && request.Operation == WriteOperations.Unshaped)
        {
            // Judged by the caller: such a body is never accepted, whatever it wrote.
        }
        else if (result.Succeeded && (response.Replayed || !request.ExpectWrites) && written.Count > 0)
        {
            Fail(Invariants.RetryWritesNothing, $"{what} (replayed) wrote {string.Join("; ", written)}");
        }
        else if (result.Succeeded && !response.Replayed && request.ExpectWrites)
        {
            foreach (var type in request.Operation.Writes)
            {
                var count = written.Count(x => x.Data.GetType() == type && x.Correlation == request.Correlation);
                if (count != 1)
                {
                    Fail(Invariants.AcknowledgedOnce, $"{what}, but the log holds {count} {type.Name} of that request");
                }
            }

            _acknowledged.Add(new Acknowledged(request.Correlation, request.Operation, what));
        }

        if (request.Key is not null && request.Operation != WriteOperations.Unshaped)
        {
            _keyed.Add(new Sent(who, request.Method, request.Url, request.Body, request.Key, request.Operation, response.Status, response.Body,
                request.SentAt));
        }

        return result;
    }

    /// <summary>What a restart must keep: every event read before it, every acknowledged write once, every edition replaying, an intact log.</summary>
    private async Task CheckTheWholeLog()
    {
        var whole = await EventLog.Read(app.Store, 0);
        var bySequence = whole.ToDictionary(x => x.Sequence);
        foreach (var known in _log.Events.Where(x => !x.IsPlaceholder))
        {
            if (!bySequence.TryGetValue(known.Sequence, out var found) || found.Type != known.Type || found.StreamId != known.StreamId)
            {
                Fail(Invariants.NothingLost, $"{known} was in the log and is gone (now: {found?.ToString() ?? "nothing"})");
            }
        }

        foreach (var acknowledged in _acknowledged)
        {
            foreach (var type in acknowledged.Operation.Writes)
            {
                var count = whole.Count(x => x.Data.GetType() == type && x.Correlation == acknowledged.Correlation);
                if (count != 1)
                {
                    Fail(Invariants.NothingLost, $"{acknowledged.Description}: the log now holds {count} {type.Name} of it");
                }
            }
        }

        await _log.Pull(app.Store);
        await CheckEditions(all: true);
        var integrity = await Read(People.Auditor, "/api/audit/integrity");
        if (integrity.Status != 200 || integrity.Json?["valid"]?.GetValue<bool>() != true)
        {
            Fail(Invariants.LogIntact, $"GET /api/audit/integrity -> {integrity.Status}: {Excerpt(integrity.Body, 600)}");
        }
    }

    private async Task CheckEditions(bool all)
    {
        foreach (var edition in _log.Editions.Skip(all ? 0 : _editionsReplayed))
        {
            var replay = await Read(People.Auditor, $"/api/audit/editions/{edition}/replay");
            if (replay.Status != 200 || replay.Json?["matches"]?.GetValue<bool>() != true)
            {
                Fail(Invariants.EditionReplays, $"GET /api/audit/editions/{edition}/replay -> {replay.Status}: {Excerpt(replay.Body, 600)}");
            }
        }

        _editionsReplayed = _log.Editions.Count;
    }

    private async Task<Answer> Read(Person who, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(who));
        using var response = await app.Client.SendAsync(request);
        var answer = new Answer((int)response.StatusCode, await response.Content.ReadAsStringAsync(), false, []);
        if (answer.Status >= 500)
        {
            Fail(Invariants.NoServerError, $"{who} GET {url} -> {answer.Status}: {Excerpt(answer.Body)}");
        }

        return answer;
    }

    private sealed record CheckState(CheckKind Kind, string Status, bool Blocked);

    /// <summary>The case's checks as the API shows them to the one preparing it.</summary>
    private async Task<IReadOnlyList<CheckState>> Checks(Person who, CaseFacts vettingCase)
    {
        var view = (await Read(who, $"/api/vetting/cases/{vettingCase.Id}")).Json;
        return view?["checks"]?.AsArray().Select(check => new CheckState(
                CheckRoute.Parse(check!["route"]!.GetValue<string>()),
                check["status"]!.GetValue<string>(),
                check["findings"]!.AsArray().Any(finding => finding!["blocking"]!.GetValue<bool>())))
            .ToList() ?? [];
    }

    private void CollectLogViolations()
    {
        foreach (var violation in _log.Violations)
        {
            Fail(violation.Invariant, violation.Detail);
        }

        _log.Violations.Clear();
    }

    private void Fail(string invariant, string detail)
    {
        if (!ignored.Contains(invariant))
        {
            _violations.Add(new Violation(invariant, _step < steps.Count ? $"step {Number}: {detail}" : $"after the last step: {detail}"));
        }
    }

    // ---- Naming things ----

    /// <summary>The step's number in the generated run (a shrunk run keeps the numbers of the steps it kept).</summary>
    private int Number => numbers is not null && _step < numbers.Count ? numbers[_step] : _step;

    private ClinicFacts? ClinicAt(int index) => _log.Clinics.Count == 0 ? null : _log.Clinics[index % _log.Clinics.Count];

    /// <summary>An open case when there is one (so steps make progress), else any.</summary>
    private CaseFacts? CaseAt(int index)
    {
        var open = _log.Cases.Where(x => x.Status == CaseStatus.Open).ToList();
        var pool = open.Count > 0 ? open : _log.Cases;
        return pool.Count == 0 ? null : pool[index % pool.Count];
    }

    private string Describe(Guid clinicId) =>
        _log.Clinic(clinicId) is { } clinic
            ? $"'{clinic.Name}' ({(_registered.TryGetValue(clinicId, out var registered) ? registered.Kind : "?")})"
            : $"clinic {clinicId:N}";

    private string Describe(CaseFacts vettingCase) =>
        $"case {_log.Cases.IndexOf(vettingCase)} ({vettingCase.Status.ToString().ToLowerInvariant()}, opened by {vettingCase.OpenedBy}) of {Describe(vettingCase.ClinicId)}";

    private string Token(Person who)
    {
        if (!_tokens.TryGetValue(who.Name, out var token))
        {
            token = app.TokenFor(who.Name, who == Everyone ? Roles.All : [who.Role]);
            _tokens[who.Name] = token;
        }

        return token;
    }

    private static string ToJson(object value) => JsonSerializer.Serialize(value, Json);

    /// <summary>The same request with one thing changed: a string field gains a suffix, or a field is added.</summary>
    private static string OtherBody(string? body)
    {
        if (body is null || JsonNode.Parse(body) is not JsonObject json)
        {
            return """{"retried":true}""";
        }

        var text = json.Where(x => x.Value is JsonValue value && value.TryGetValue<string>(out _)).ToList();
        var field = text.FirstOrDefault(x => x.Key is "reason" or "note" or "reference" or "text" or "description" or "name");
        field = field.Key is null ? text.FirstOrDefault() : field;
        if (field.Key is null)
        {
            json["retried"] = true;
        }
        else
        {
            json[field.Key] = json[field.Key]!.GetValue<string>() + " (changed)";
        }

        return json.ToJsonString();
    }

    private static string Excerpt(string text, int length = 300) => text.Length <= length ? text : text[..length] + "...";
}
