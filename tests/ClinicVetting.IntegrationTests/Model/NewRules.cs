using ClinicVetting.Vetting.Cases;

namespace ClinicVetting.IntegrationTests.Model;

/// <summary>
/// The rules issue 11 (part 2) adds, in one place. Today's main breaks every one of them; the fixes land on other
/// branches, so this test is meant to merge after them. To look past one of them meanwhile, name it in
/// CLINICVETTING_MODEL_IGNORE (comma-separated), as any other invariant.
/// </summary>
public static class NewRules
{
    /// <summary>Whoever waived a check on a case prepared it, and may not decide it.</summary>
    public const string WaiverPreparesTheCase = "four-eyes-waiver";

    /// <summary>Whoever cleared a red flag of the case's clinic while the case was open prepared it, and may not decide it.</summary>
    public const string FlagClearerPreparesTheCase = "four-eyes-flag-clearer";

    /// <summary>Whoever recorded or withdrew a claim on the case's clinic while the case was open prepared it, and may not decide it.</summary>
    public const string ClaimChangerPreparesTheCase = "four-eyes-claim-changer";

    /// <summary>A red flag the rules raised is cleared only by an approver.</summary>
    public const string RuleFlagsClearedByApproversOnly = "rule-flag-cleared-by-approver-only";

    /// <summary>The license and therapy-approval checks need primary-source evidence: never waived.</summary>
    public const string UnwaivableChecks = "unwaivable-check-never-waived";

    public static readonly IReadOnlySet<CheckKind> Unwaivable = new HashSet<CheckKind> { CheckKind.License, CheckKind.TherapyApproval };
}
