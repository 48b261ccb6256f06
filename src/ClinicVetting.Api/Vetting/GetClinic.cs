using ClinicVetting.Clinics;

namespace ClinicVetting.Vetting;

/// <summary>A clinic as staff read it: the registry's profile and vetting's standing, side by side.</summary>
[Published]
public sealed record ClinicOverview(
    Guid Id,
    long Version,
    string Name,
    string City,
    string Country,
    string CountryName,
    int? YearsOfExperience,
    int? PatientsPerYear,
    CostRange? CostRange,
    IReadOnlyList<string> BestFor,
    IReadOnlyList<TreatmentProgram> Programs,
    IReadOnlyList<string> AccreditationsClaimed,
    IReadOnlyList<string> Highlights,
    string? Website,
    ClinicStatus Status,
    DateTimeOffset RegisteredAt,
    DateTimeOffset UpdatedAt,
    string IdentityKey,
    Guid? OpenCaseId,
    Guid? ApprovedCaseId,
    DateTimeOffset? ApprovedAt,
    DateTimeOffset? ReverifyBy,
    Guid? RejectedCaseId,
    DateTimeOffset? LastDecisionAt,
    IReadOnlyList<RedFlagState> RedFlags,
    IReadOnlyList<Suspension> Suspensions,
    IReadOnlyList<CredentialLapse> Lapses,
    IReadOnlyList<string> RemindersIssued,
    IReadOnlyList<RedFlagState> OpenRedFlags,
    string? ContactEmail = null)
{
    /// <summary>The version is the profile's: the one an update's If-Match is checked against.</summary>
    public static ClinicOverview Of(ClinicProfile profile, ClinicStanding? standing)
    {
        standing ??= new ClinicStanding { Id = profile.Id };
        return new(profile.Id, profile.Version, profile.Name, profile.City, profile.Country, profile.CountryName, profile.YearsOfExperience,
            profile.PatientsPerYear, profile.CostRange, profile.BestFor, profile.Programs, profile.AccreditationsClaimed, profile.Highlights,
            profile.Website, standing.Status, profile.RegisteredAt, profile.UpdatedAt, profile.IdentityKey, standing.OpenCaseId,
            standing.ApprovedCaseId, standing.ApprovedAt, standing.ReverifyBy, standing.RejectedCaseId, standing.LastDecisionAt, standing.RedFlags,
            standing.Suspensions, standing.Lapses, standing.RemindersIssued, standing.OpenRedFlags.ToList(), profile.ContactEmail);
    }
}

public static class GetClinicEndpoint
{
    /// <summary>One clinic's profile and standing; the ETag is the profile's version (send it back as If-Match to update).</summary>
    [WolverineGet("/api/clinics/{clinicId}", OperationId = "GetClinic"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Clinics")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<ClinicOverview?> Get(Guid clinicId, IQuerySession session, HttpResponse response, CancellationToken cancellation)
    {
        var batch = session.CreateBatchQuery();
        var profile = batch.Load<ClinicProfile>(clinicId);
        var standing = batch.Load<ClinicStanding>(clinicId);
        await batch.Execute(cancellation);
        if (await profile is not { } clinic)
        {
            return null;
        }

        response.Headers.ETag = ETags.Of(clinic.Version);
        return ClinicOverview.Of(clinic, await standing);
    }
}
