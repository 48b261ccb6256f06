using ClinicVetting.Vetting.Cases;

namespace ClinicVetting.IntegrationTests.Model;

/// <summary>The steps real clients and operators add: two callers at once, retries, restarts, bodies that are not objects.</summary>
public sealed partial class ModelRun
{
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

        var what = Describe(vettingCase);
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
                var answers = await WriteAtOnce(first, again);
                if (answers.All(x => x.Succeeded && !x.Replayed))
                {
                    Fail(Invariants.OneKeyRunsOnce, $"{sam} sent one request twice at once with one Idempotency-Key and both ran: " +
                                                    string.Join("; ", answers.SelectMany(x => x.Written)));
                }

                return $"{sam} sends the same evidence on {check} of {what} twice at the same instant, with one Idempotency-Key";
        }
    }

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
        var clinic = ClinicAt(step.Target)?.Id ?? Guid.NewGuid();
        var vettingCase = CaseAt(step.Target)?.Id ?? Guid.NewGuid();
        var flag = ClinicAt(step.Target)?.Flags.FirstOrDefault()?.Flag.FlagId ?? Guid.NewGuid();
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
}
