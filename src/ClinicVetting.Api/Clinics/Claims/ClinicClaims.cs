namespace ClinicVetting.Clinics.Claims;

public enum AdministrationRoute
{
    LocalInjection,
    Intramuscular,
    Intravenous,
    Intrathecal,
    Surgical,
    Other,
}

public enum CellSource
{
    Autologous,
    Allogeneic,
}

public sealed record LicenseClaim(Guid ClaimId, string IssuedBy, string Number, DateOnly ValidFrom, DateOnly ValidUntil, string? DocumentUrl);

public sealed record AccreditationClaim(Guid ClaimId, string Issuer, string CertificateId, DateOnly ValidFrom, DateOnly ValidUntil,
    IReadOnlyList<string> Scopes);

/// <summary>An offered therapy: condition, cells, source, route, the lab that processes the cells, trial status.</summary>
public sealed record TherapyClaim(
    Guid ClaimId,
    string Condition,
    CellType CellType,
    CellSource Source,
    AdministrationRoute Route,
    string? LabName,
    string? LabLicense,
    bool InRegisteredTrial,
    string? TrialRegistryId);

public sealed record TeamMemberClaim(Guid ClaimId, string Name, string Specialty, int YearsOfExperience,
    IReadOnlyList<string> Certifications, IReadOnlyList<string> Credentials);

public sealed record ProtocolClaim(Guid ClaimId, string Program, IReadOnlyList<string> Steps, string? DocumentUrl);

/// <summary>The pre-treatment evaluation: which contraindications it screens, and whether it needs the health history.</summary>
public sealed record MedicalEvaluationClaim(IReadOnlyList<string> ContraindicationsScreened, bool RequiresHealthHistory,
    bool ApprovesBeforeReview, string? Description);

public sealed record AftercareClaim(string FollowUp, string ComplicationHandling, int? FollowUpMonths);

public sealed record MarketingTextClaim(Guid ClaimId, string SourceUrl, string Text, DateTimeOffset CapturedAt);

// Events on the clinic's stream: what the clinic claims, as staff recorded it.
public sealed record LicenseClaimed(Guid ClinicId, LicenseClaim License);
public sealed record AccreditationClaimed(Guid ClinicId, AccreditationClaim Accreditation);
public sealed record TherapyClaimed(Guid ClinicId, TherapyClaim Therapy);
public sealed record TeamMemberClaimed(Guid ClinicId, TeamMemberClaim Member);
public sealed record ProtocolClaimed(Guid ClinicId, ProtocolClaim Protocol);
public sealed record MedicalEvaluationDescribed(Guid ClinicId, MedicalEvaluationClaim Evaluation);
public sealed record AftercareDescribed(Guid ClinicId, AftercareClaim Aftercare);
public sealed record MarketingTextCaptured(Guid ClinicId, MarketingTextClaim Marketing);
public sealed record ClaimWithdrawn(Guid ClinicId, Guid ClaimId, string Reason);

/// <summary>Everything the clinic claims, from its stream (kept inline, beside its profile).</summary>
[Published]
public sealed partial class ClinicClaims
{
    public Guid Id { get; set; }
    public long Version { get; set; }
    public string Country { get; set; } = "";
    public List<LicenseClaim> Licenses { get; set; } = [];
    public List<AccreditationClaim> Accreditations { get; set; } = [];
    public List<TherapyClaim> Therapies { get; set; } = [];
    public List<TeamMemberClaim> Team { get; set; } = [];
    public List<ProtocolClaim> Protocols { get; set; } = [];
    public MedicalEvaluationClaim? MedicalEvaluation { get; set; }
    public AftercareClaim? Aftercare { get; set; }
    public List<MarketingTextClaim> Marketing { get; set; } = [];

    /// <summary>Programs from the profile, which each need a written protocol.</summary>
    public List<string> Programs { get; set; } = [];

    public void Apply(ClinicRegistered registered)
    {
        Id = registered.ClinicId;
        Country = registered.Details.Country;
        Programs = (registered.Details.Programs ?? []).Select(x => x.Name).ToList();
    }

    public void Apply(ClinicProfileUpdated updated)
    {
        Country = updated.Details.Country;
        Programs = (updated.Details.Programs ?? []).Select(x => x.Name).ToList();
    }

    public void Apply(LicenseClaimed e) => Replace(Licenses, e.License, x => x.ClaimId);
    public void Apply(AccreditationClaimed e) => Replace(Accreditations, e.Accreditation, x => x.ClaimId);
    public void Apply(TherapyClaimed e) => Replace(Therapies, e.Therapy, x => x.ClaimId);
    public void Apply(TeamMemberClaimed e) => Replace(Team, e.Member, x => x.ClaimId);
    public void Apply(ProtocolClaimed e) => Replace(Protocols, e.Protocol, x => x.ClaimId);
    public void Apply(MedicalEvaluationDescribed e) => MedicalEvaluation = e.Evaluation;
    public void Apply(AftercareDescribed e) => Aftercare = e.Aftercare;
    public void Apply(MarketingTextCaptured e) => Replace(Marketing, e.Marketing, x => x.ClaimId);

    public void Apply(ClaimWithdrawn e)
    {
        Licenses.RemoveAll(x => x.ClaimId == e.ClaimId);
        Accreditations.RemoveAll(x => x.ClaimId == e.ClaimId);
        Therapies.RemoveAll(x => x.ClaimId == e.ClaimId);
        Team.RemoveAll(x => x.ClaimId == e.ClaimId);
        Protocols.RemoveAll(x => x.ClaimId == e.ClaimId);
        Marketing.RemoveAll(x => x.ClaimId == e.ClaimId);
    }

    public bool Holds(Guid claimId) =>
        Licenses.Any(x => x.ClaimId == claimId) || Accreditations.Any(x => x.ClaimId == claimId)
        || Therapies.Any(x => x.ClaimId == claimId) || Team.Any(x => x.ClaimId == claimId)
        || Protocols.Any(x => x.ClaimId == claimId) || Marketing.Any(x => x.ClaimId == claimId);

    /// <summary>A license or accreditation by its id, as (kind, valid until, label); null when withdrawn.</summary>
    public (CredentialKind Kind, DateOnly ValidUntil, string Label)? Credential(Guid claimId) =>
        Licenses.FirstOrDefault(x => x.ClaimId == claimId) is { } license
            ? (CredentialKind.License, license.ValidUntil, $"license {license.Number} ({license.IssuedBy})")
            : Accreditations.FirstOrDefault(x => x.ClaimId == claimId) is { } accreditation
                ? (CredentialKind.Accreditation, accreditation.ValidUntil, $"accreditation {accreditation.CertificateId} ({accreditation.Issuer})")
                : null;

    private static void Replace<T>(List<T> list, T item, Func<T, Guid> id)
    {
        var index = list.FindIndex(x => id(x) == id(item));
        if (index >= 0)
        {
            list[index] = item;
        }
        else
        {
            list.Add(item);
        }
    }
}

public enum CredentialKind
{
    License,
    Accreditation,
}
