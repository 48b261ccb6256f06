namespace ClinicVetting.IntegrationTests.Model;

/// <summary>Every invariant the model checks after each step, by the name a failure reports (the new rules are in <see cref="NewRules"/>).</summary>
public static class Invariants
{
    public const string NoServerError = "no-5xx";
    public const string RefusedWritesNothing = "refused-request-writes-nothing";
    public const string AcknowledgedOnce = "acknowledged-write-in-the-log-exactly-once";
    public const string NothingLost = "nothing-acknowledged-lost-or-doubled-since";
    public const string RetryReplays = "retry-with-the-same-key-replays-the-first-answer";
    public const string RetryWritesNothing = "retry-with-the-same-key-writes-nothing";
    public const string KeyReuseRefused = "same-key-other-body-is-refused";
    public const string OneKeyRunsOnce = "one-idempotency-key-runs-once-even-at-the-same-instant";
    public const string RoleEnforced = "caller-without-the-role-gets-403";
    public const string BodyMustBeAnObject = "a-body-that-is-not-an-object-is-refused";
    public const string FourEyes = "four-eyes-opener-or-evidence";
    public const string DecisionNamesItsDecider = "decision-records-the-caller-as-decider";
    public const string ApprovedOnlyWhenClean = "approved-only-with-every-check-passed-fresh-or-waived-and-no-open-flag";
    public const string DecidedOnce = "a-case-or-proposal-is-decided-once";
    public const string EditionsNumberedInOrder = "editions-numbered-1-2-3-in-log-order";
    public const string EditionReplays = "every-edition-replays";
    public const string LogIntact = "integrity-check-finds-the-log-intact";
}

/// <summary>An invariant broken at a step, with what shows it.</summary>
public sealed record Violation(string Invariant, string Detail)
{
    public override string ToString() => $"{Invariant}: {Detail}";
}
