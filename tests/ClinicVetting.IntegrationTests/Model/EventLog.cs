using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using Marten;

namespace ClinicVetting.IntegrationTests.Model;

/// <summary>One event as the log holds it, with who wrote it and in which request.</summary>
public sealed record LoggedEvent(long Sequence, Guid StreamId, long Version, string Type, object Data, string? User, string? Correlation)
{
    /// <summary>Marten's placeholder for sequence numbers a failed append took: the store's, not anybody's write.</summary>
    public bool IsPlaceholder => Type == "tombstone" || Data.GetType().Name == "Tombstone";

    public override string ToString() => $"#{Sequence} {Type} (stream {StreamId:N} v{Version}, user {User}, correlation {Correlation})";
}

public sealed class CaseFacts(Guid id, Guid clinicId, string openedBy, long openedAt)
{
    public Guid Id { get; } = id;
    public Guid ClinicId { get; } = clinicId;
    public string OpenedBy { get; } = openedBy;
    public long OpenedAt { get; } = openedAt;
    public Dictionary<CheckKind, IReadOnlyList<Finding>> Findings { get; } = [];
    public List<(CheckKind Check, Evidence Evidence)> Evidence { get; } = [];
    public Dictionary<CheckKind, Waiver> Waivers { get; } = [];
    public CaseStatus Status { get; set; } = CaseStatus.Open;
}

public sealed class FlagFacts(RedFlag flag, long raisedAt)
{
    public RedFlag Flag { get; } = flag;
    public long RaisedAt { get; } = raisedAt;
    public string? ClearedBy { get; set; }
    public long? ClearedAt { get; set; }
    public bool IsOpen => ClearedAt is null;
}

public sealed class ClinicFacts(Guid id, string name)
{
    public Guid Id { get; } = id;
    public string Name { get; } = name;
    public List<FlagFacts> Flags { get; } = [];
    public List<Guid> Licenses { get; } = [];
    public List<(long Sequence, string? By)> ClaimChanges { get; } = [];
    public bool Approved { get; set; }
}

/// <summary>
/// The event log read back after every step, and the facts the invariants need folded from it: decisions are judged
/// on what the log says happened, not on what the API answered.
/// </summary>
public sealed class EventLog(int evidenceFreshnessDays)
{
    private readonly List<LoggedEvent> _events = [];

    public IReadOnlyList<LoggedEvent> Events => _events;
    public long HighWater { get; private set; }
    public List<ClinicFacts> Clinics { get; } = [];
    public List<CaseFacts> Cases { get; } = [];
    public List<Guid> ReviewIds { get; } = [];
    public Dictionary<Guid, ReviewStatus> ReviewStatuses { get; } = [];
    public List<Guid> Proposals { get; } = [];
    public HashSet<Guid> DecidedProposals { get; } = [];
    public List<int> Editions { get; } = [];

    /// <summary>Broken rules found while folding the events (four eyes, approvals, waivers, clearances).</summary>
    public List<Violation> Violations { get; } = [];

    /// <summary>Reads what was appended since the last read, folds it, and returns it.</summary>
    public async Task<IReadOnlyList<LoggedEvent>> Pull(IDocumentStore store)
    {
        var fresh = await Read(store, HighWater);
        foreach (var logged in fresh)
        {
            Fold(logged);
            _events.Add(logged);
            HighWater = Math.Max(HighWater, logged.Sequence);
        }

        return fresh;
    }

    public static async Task<IReadOnlyList<LoggedEvent>> Read(IDocumentStore store, long after)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.QueryAllRawEvents().Where(x => x.Sequence > after).OrderBy(x => x.Sequence).ToListAsync();
        return events.Select(x => new LoggedEvent(x.Sequence, x.StreamId, x.Version, x.EventTypeName, x.Data, x.UserName, x.CorrelationId))
            .ToList();
    }

    public ClinicFacts? Clinic(Guid id) => Clinics.FirstOrDefault(x => x.Id == id);

    private void Fold(LoggedEvent logged)
    {
        if (logged.Data is LicenseClaimed or AccreditationClaimed or TherapyClaimed or TeamMemberClaimed or ProtocolClaimed
                or MedicalEvaluationDescribed or AftercareDescribed or MarketingTextCaptured or ClaimWithdrawn
            && Clinic(logged.StreamId) is { } changed)
        {
            changed.ClaimChanges.Add((logged.Sequence, logged.User));
        }

        switch (logged.Data)
        {
            case ClinicRegistered e:
                Clinics.Add(new ClinicFacts(e.ClinicId, e.Details.Name));
                break;
            case LicenseClaimed e when Clinic(e.ClinicId) is { } clinic:
                clinic.Licenses.Add(e.License.ClaimId);
                break;
            case ClaimWithdrawn e when Clinic(e.ClinicId) is { } clinic:
                clinic.Licenses.Remove(e.ClaimId);
                break;
            case ClinicVettingApproved e when Clinic(e.ClinicId) is { } clinic:
                clinic.Approved = true;
                break;
            case ClinicVettingRejected e when Clinic(e.ClinicId) is { } clinic:
                clinic.Approved = false;
                break;
            case VettingCaseOpened e:
                Cases.Add(new CaseFacts(e.CaseId, e.ClinicId, e.OpenedBy, logged.Sequence));
                break;
            case AutomaticRulesApplied e when Case(e.CaseId) is { } c:
                c.Findings.Clear();
                foreach (var (kind, findings) in e.Findings) c.Findings[kind] = findings;
                break;
            case EvidenceRecorded e when Case(e.CaseId) is { } c:
                c.Evidence.Add((e.Check, e.Evidence));
                break;
            case CheckWaived e when Case(e.CaseId) is { } c:
                if (NewRules.Unwaivable.Contains(e.Check))
                {
                    Violations.Add(new Violation(NewRules.UnwaivableChecks,
                        $"{e.Waiver.WaivedBy} waived the {CheckRoute.NameOf(e.Check)} check of case {e.CaseId:N} ({logged})"));
                }

                c.Waivers[e.Check] = e.Waiver;
                break;
            case RedFlagRaised e when Clinic(e.ClinicId) is { } clinic:
                clinic.Flags.Add(new FlagFacts(e.Flag, logged.Sequence));
                break;
            case RedFlagCleared e when Clinic(e.ClinicId)?.Flags.FirstOrDefault(x => x.Flag.FlagId == e.FlagId) is { } flag:
                if (flag.Flag.Automatic && !People.IsApprover(e.ClearedBy))
                {
                    Violations.Add(new Violation(NewRules.RuleFlagsClearedByApproversOnly,
                        $"{e.ClearedBy} (not an approver) cleared the rule-raised flag '{flag.Flag.Description}' ({logged})"));
                }

                flag.ClearedBy = e.ClearedBy;
                flag.ClearedAt = logged.Sequence;
                break;
            case VettingCaseApproved e when Case(e.CaseId) is { } c:
                DecidedOnce(c, logged);
                Judge(c, logged, e.DecidedBy, "approved");
                JudgeApproval(c, logged, e.DecidedAt);
                c.Status = CaseStatus.Approved;
                break;
            case VettingCaseRejected e when Case(e.CaseId) is { } c:
                DecidedOnce(c, logged);
                Judge(c, logged, e.DecidedBy, "rejected");
                c.Status = CaseStatus.Rejected;
                break;
            case ReviewSubmitted e:
                ReviewIds.Add(e.ReviewId);
                ReviewStatuses[e.ReviewId] = ReviewStatus.Pending;
                break;
            case ReviewSubmittedAndScreened e:
                ReviewIds.Add(e.ReviewId);
                ReviewStatuses[e.ReviewId] = e.Published ? ReviewStatus.Published : ReviewStatus.Held;
                break;
            case ReviewHeldForModeration e:
                ReviewStatuses[e.ReviewId] = ReviewStatus.Held;
                break;
            case ReviewPublished e:
                ReviewStatuses[e.ReviewId] = ReviewStatus.Published;
                break;
            case ReviewRestored e:
                ReviewStatuses[e.ReviewId] = ReviewStatus.Published;
                break;
            case ReviewRejected e:
                ReviewStatuses[e.ReviewId] = ReviewStatus.Rejected;
                break;
            case RankingProposed e:
                Proposals.Add(e.ProposalId);
                break;
            case RankingProposalApproved e:
                ProposalDecidedOnce(e.ProposalId, logged);
                break;
            case RankingProposalDeclined e:
                ProposalDecidedOnce(e.ProposalId, logged);
                break;
            case RankingEditionPublished e:
                if (e.Edition != Editions.Count + 1)
                {
                    Violations.Add(new Violation(Invariants.EditionsNumberedInOrder,
                        $"edition {e.Edition} published after editions {string.Join(", ", Editions)} ({logged})"));
                }

                Editions.Add(e.Edition);
                break;
        }
    }

    private CaseFacts? Case(Guid id) => Cases.FirstOrDefault(x => x.Id == id);

    private void DecidedOnce(CaseFacts c, LoggedEvent decision)
    {
        if (c.Status != CaseStatus.Open)
        {
            Violations.Add(new Violation(Invariants.DecidedOnce, $"case {c.Id:N} was already {c.Status.ToString().ToLowerInvariant()} and is decided again ({decision})"));
        }
    }

    private void ProposalDecidedOnce(Guid proposalId, LoggedEvent decision)
    {
        if (!DecidedProposals.Add(proposalId))
        {
            Violations.Add(new Violation(Invariants.DecidedOnce, $"proposal {proposalId:N} was already decided and is decided again ({decision})"));
        }
    }

    /// <summary>Four eyes, read from the log: nobody who prepared the case decides it.</summary>
    private void Judge(CaseFacts c, LoggedEvent decision, string decidedBy, string verb)
    {
        if (!Same(decision.User, decidedBy))
        {
            Violations.Add(new Violation(Invariants.DecisionNamesItsDecider,
                $"case {c.Id:N} {verb} by '{decidedBy}' but the event was written by user '{decision.User}' ({decision})"));
        }

        var decider = decidedBy;
        if (Same(c.OpenedBy, decider))
        {
            Violations.Add(new Violation(Invariants.FourEyes, $"{decider} opened case {c.Id:N} and {verb} it ({decision})"));
        }

        if (c.Evidence.FirstOrDefault(x => Same(x.Evidence.RecordedBy, decider)) is { Evidence: not null } recorded)
        {
            Violations.Add(new Violation(Invariants.FourEyes,
                $"{decider} recorded evidence on the {CheckRoute.NameOf(recorded.Check)} check of case {c.Id:N} and {verb} it ({decision})"));
        }

        if (c.Waivers.FirstOrDefault(x => Same(x.Value.WaivedBy, decider)) is { Value: not null } waived)
        {
            Violations.Add(new Violation(NewRules.WaiverPreparesTheCase,
                $"{decider} waived the {CheckRoute.NameOf(waived.Key)} check of case {c.Id:N} and {verb} it ({decision})"));
        }

        var cleared = Clinic(c.ClinicId)?.Flags
            .FirstOrDefault(x => x.ClearedAt > c.OpenedAt && x.ClearedAt < decision.Sequence && Same(x.ClearedBy, decider));
        if (cleared is not null)
        {
            Violations.Add(new Violation(NewRules.FlagClearerPreparesTheCase,
                $"{decider} cleared the red flag '{cleared.Flag.Description}' while case {c.Id:N} was open and {verb} it ({decision})"));
        }

        if (Clinic(c.ClinicId)?.ClaimChanges.Any(x => x.Sequence > c.OpenedAt && x.Sequence < decision.Sequence && Same(x.By, decider)) == true)
        {
            Violations.Add(new Violation(NewRules.ClaimChangerPreparesTheCase,
                $"{decider} changed a claim of the clinic while case {c.Id:N} was open and {verb} it ({decision})"));
        }
    }

    /// <summary>An approval stands only on checks passed with fresh evidence or waived, and no open red flag.</summary>
    private void JudgeApproval(CaseFacts c, LoggedEvent decision, DateTimeOffset decidedAt)
    {
        var problems = new List<string>();
        foreach (var kind in Enum.GetValues<CheckKind>())
        {
            var name = CheckRoute.NameOf(kind);
            if (c.Waivers.ContainsKey(kind))
            {
                if (NewRules.Unwaivable.Contains(kind))
                {
                    Violations.Add(new Violation(NewRules.UnwaivableChecks, $"case {c.Id:N} approved with the {name} check waived ({decision})"));
                }

                continue;
            }

            if (c.Findings.GetValueOrDefault(kind)?.Where(x => x.Blocking).ToList() is { Count: > 0 } blocking)
            {
                problems.Add($"{name} fails: {string.Join("; ", blocking.Select(x => x.Message))}");
                continue;
            }

            var latest = c.Evidence.LastOrDefault(x => x.Check == kind).Evidence;
            if (latest is null)
            {
                problems.Add($"{name} has no evidence");
            }
            else if (latest.Outcome != EvidenceOutcome.Passed)
            {
                problems.Add($"{name}: the latest evidence failed");
            }
            else if ((decidedAt - latest.ObtainedAt).TotalDays > evidenceFreshnessDays)
            {
                problems.Add($"{name}: the evidence is {(decidedAt - latest.ObtainedAt).TotalDays:0} days old (at most {evidenceFreshnessDays})");
            }
        }

        problems.AddRange(Clinic(c.ClinicId)?.Flags.Where(x => x.IsOpen).Select(x => $"open red flag '{x.Flag.Description}'") ?? []);
        if (problems.Count > 0)
        {
            Violations.Add(new Violation(Invariants.ApprovedOnlyWhenClean, $"case {c.Id:N} approved with {string.Join(", ", problems)} ({decision})"));
        }
    }

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
