using ClinicVetting.Reviews;
using ClinicVetting.Vetting.Cases;
using CsCheck;

namespace ClinicVetting.IntegrationTests.Model;

/// <summary>
/// One thing a caller does. Steps name people by their index in <see cref="People.Workers"/> and clinics, cases, flags,
/// reviews, proposals and earlier requests by an index taken modulo how many exist when the step runs, so any
/// subsequence of a generated run is itself a run: that is what lets a failure shrink by dropping steps.
/// </summary>
public abstract record Step;

/// <summary>What the clinic claims: everything that passes, or one of the ways the rules find a problem.</summary>
public enum ClinicKind
{
    Clean,
    /// <summary>A US clinic offering an orthopedic therapy: the FDA rule fails the therapy check and raises a red flag.</summary>
    UnapprovedUsTherapy,
    /// <summary>Marketing that guarantees results: a red flag raised by the rules.</summary>
    GuaranteedResults,
    /// <summary>No processing lab on file: the cell-source check fails and a red flag is raised.</summary>
    UndocumentedLab,
}

public enum ReviewVariant
{
    New,
    /// <summary>The booking system sends the same review again: the first answer, nothing written.</summary>
    SameAgain,
    /// <summary>The same external id with other content: a 409.</summary>
    SameIdOtherContent,
    /// <summary>Another review of a booking already reviewed: a 409.</summary>
    SameBooking,
}

public enum RaceKind
{
    /// <summary>One approver approves while the other rejects.</summary>
    DecideCase,
    ApproveProposal,
    RecordEvidence,
    WaiveCheck,
    /// <summary>One request sent twice at once with one Idempotency-Key.</summary>
    SameKeyTwice,
}

public enum NotAnObject
{
    Null,
    Array,
    String,
    Number,
}

public sealed record Register(int Worker, ClinicKind Kind) : Step;
public sealed record RegisterAgain(int Worker, int Clinic) : Step;
public sealed record Relicense(int Worker, int Clinic, bool Expired) : Step;
public sealed record Advertise(int Worker, int Clinic, bool Guarantee) : Step;
public sealed record OpenCase(int Worker, int Clinic) : Step;
public sealed record RecordEvidence(int Worker, int Case, CheckKind Check, bool Passed, bool Stale) : Step;
/// <summary>Passing evidence on every check the rules let pass, failing evidence on the others.</summary>
public sealed record PrepareAll(int Worker, int Case, bool Stale) : Step;
public sealed record Waive(int Worker, int Case, CheckKind Check) : Step;
/// <summary>Waive every check that has not passed.</summary>
public sealed record WaiveAll(int Worker, int Case) : Step;
public sealed record RaiseFlag(int Worker, int Clinic) : Step;
public sealed record ClearFlag(int Worker, int Clinic, int Flag) : Step;
public sealed record ApproveCase(int Worker, int Case) : Step;
/// <summary>The way a clinic is meant to get through: staff open a case (unless one is open) and prepare it, an approver approves.</summary>
public sealed record Vet(int Staff, int Approver, int Clinic) : Step;
public sealed record RejectCase(int Worker, int Case) : Step;
public sealed record AdvanceClock(int Days) : Step;
/// <summary>New: that many reviews of the clinic, days apart; the other variants send one review again in some way.</summary>
public sealed record SubmitReview(int Clinic, int Rating, bool Verified, ReviewVariant Variant, int Count) : Step;
public sealed record ModerateReview(int Worker, int Review, ModerationAction Action) : Step;
public sealed record Propose(int Worker) : Step;
/// <summary>The way an edition is meant to come out: staff propose, an approver approves the proposal.</summary>
public sealed record Publish(int Staff, int Approver) : Step;
public sealed record ApproveProposal(int Worker, int Proposal) : Step;
public sealed record DeclineProposal(int Worker, int Proposal) : Step;
/// <summary>Send one of the last keyed requests again with its Idempotency-Key, with the same body or another.</summary>
public sealed record Retry(int Back, bool SameBody) : Step;
public sealed record Restart : Step;
/// <summary>Two callers at the same instant (or one caller twice): one case, one proposal, one check.</summary>
public sealed record Race(RaceKind Kind, int Target, CheckKind Check) : Step;
/// <summary>A whole body that is not an object (null, an array, a string, a number) to one of the write operations.</summary>
public sealed record SendNotAnObject(int Target, int Operation, NotAnObject Shape) : Step;

public static class StepGenerator
{
    /// <summary>Staff work goes mostly to staff, decisions mostly to approvers: enough of each to make progress, and the odd wrong caller.</summary>
    private static readonly Gen<int> Staff = Gen.Frequency((3, 0), (3, 1), (1, 2), (1, 3));
    private static readonly Gen<int> Approver = Gen.Frequency((1, 0), (1, 1), (4, 2), (4, 3));
    private static readonly Gen<int> Pick = Gen.Int[0, 7];
    private static readonly Gen<CheckKind> Check = Gen.Enum<CheckKind>();
    private static readonly Gen<ClinicKind> Kind = Gen.Frequency((4, ClinicKind.Clean), (2, ClinicKind.UnapprovedUsTherapy),
        (1, ClinicKind.GuaranteedResults), (1, ClinicKind.UndocumentedLab));
    private static readonly Gen<Step> Registration = Gen.Select(Staff, Kind, (w, k) => (Step)new Register(w, k));

    /// <summary>Weighted so that cases get opened, prepared, waived, flagged and decided within a few dozen steps.</summary>
    public static readonly Gen<Step> Step = Gen.Frequency<Step>(
        (3, Registration),
        (1, Gen.Select(Staff, Pick, (w, c) => (Step)new RegisterAgain(w, c))),
        (2, Gen.Select(Staff, Pick, Gen.Bool, (w, c, e) => (Step)new Relicense(w, c, e))),
        (2, Gen.Select(Staff, Pick, Gen.Bool, (w, c, g) => (Step)new Advertise(w, c, g))),
        (6, Gen.Select(Staff, Pick, (w, c) => (Step)new OpenCase(w, c))),
        (8, Gen.Select(Staff, Pick, Check, Gen.Int[0, 3], Gen.Int[0, 4],
            (w, c, k, passed, stale) => (Step)new RecordEvidence(w, c, k, passed > 0, stale == 0))),
        (8, Gen.Select(Staff, Pick, Gen.Int[0, 4], (w, c, stale) => (Step)new PrepareAll(w, c, stale == 0))),
        (5, Gen.Select(Approver, Pick, Check, (w, c, k) => (Step)new Waive(w, c, k))),
        (3, Gen.Select(Approver, Pick, (w, c) => (Step)new WaiveAll(w, c))),
        (3, Gen.Select(Staff, Pick, (w, c) => (Step)new RaiseFlag(w, c))),
        (6, Gen.Select(Gen.Int[0, People.Workers.Length - 1], Pick, Pick, (w, c, f) => (Step)new ClearFlag(w, c, f))),
        (9, Gen.Select(Approver, Pick, (w, c) => (Step)new ApproveCase(w, c))),
        (2, Gen.Select(Approver, Pick, (w, c) => (Step)new RejectCase(w, c))),
        (3, Gen.Select(Staff, Approver, Pick, (s, a, c) => (Step)new Vet(s, a, c))),
        (2, Gen.OneOf(1, 30, 130).Select(days => (Step)new AdvanceClock(days))),
        (7, Gen.Select(Pick, Gen.Int[1, 5], Gen.Int[0, 9], Gen.Frequency((4, ReviewVariant.New), (1, ReviewVariant.SameAgain),
                (1, ReviewVariant.SameIdOtherContent), (1, ReviewVariant.SameBooking)), Gen.Int[2, 10],
            (c, rating, verified, variant, count) => (Step)new SubmitReview(c, rating, verified > 0, variant, count))),
        (3, Gen.Select(Staff, Pick, Gen.Enum<ModerationAction>(), (w, r, a) => (Step)new ModerateReview(w, r, a))),
        (3, Staff.Select(w => (Step)new Propose(w))),
        (3, Gen.Select(Staff, Approver, (s, a) => (Step)new Publish(s, a))),
        (3, Gen.Select(Approver, Pick, (w, p) => (Step)new ApproveProposal(w, p))),
        (1, Gen.Select(Approver, Pick, (w, p) => (Step)new DeclineProposal(w, p))),
        (6, Gen.Select(Gen.Int[0, 5], Gen.Bool, (back, same) => (Step)new Retry(back, same))),
        (2, Gen.Select(Pick, Gen.Int[0, 63], Gen.Enum<NotAnObject>(), (t, o, s) => (Step)new SendNotAnObject(t, o, s))),
        (4, Gen.Select(Gen.Enum<RaceKind>(), Pick, Check, (k, t, c) => (Step)new Race(k, t, c))));

    /// <summary>
    /// A run: a clean clinic and maybe another registered, then often a case opened or the first clinic vetted (so that
    /// later steps find cases to decide and clinics to rank), then anything.
    /// </summary>
    public static Gen<Step[]> Run(int length, double restartsPerHundredSteps)
    {
        var restarts = (int)Math.Round(restartsPerHundredSteps * 10);
        var start = Gen.Frequency<Step[]>(
            (1, Gen.Const(Array.Empty<Step>())),
            (1, Staff.Select(w => new Step[] { new OpenCase(w, 0) })),
            (2, Gen.Select(Staff, Approver, (s, a) => new Step[] { new Vet(s, a, 0) })));
        return Gen.Select(
            Gen.Select(Staff, Registration.Array[0, 1], (w, more) => more.Prepend(new Register(w, ClinicKind.Clean)).ToArray()),
            start,
            Gen.Frequency<Step>((restarts, Gen.Const<Step>(new Restart())), (1000 - restarts, Step)).Array[length, length],
            (registrations, opening, rest) => registrations.Concat(opening).Concat(rest).ToArray());
    }
}
