namespace ClinicVetting.Clinics.Claims;

public sealed record TeamMemberInput(string Name, string Specialty, int YearsOfExperience, IReadOnlyList<string>? Certifications = null,
    IReadOnlyList<string>? Credentials = null) : IClaimChange
{
    public FieldErrors Validate() => new FieldErrors()
        .Required("name", Name, 200)
        .Required("specialty", Specialty, 200)
        .Range("yearsOfExperience", YearsOfExperience, 0, 70)
        .Items("certifications", Certifications, 30, 200)
        .Items("credentials", Credentials, 30, 200);

    /// <summary>The same name again replaces the team member on file; exactly as on file, nothing.</summary>
    public object Decide(ClinicClaims claims, ClaimContext context)
    {
        var same = claims.Team.FirstOrDefault(x => Text.Key(x.Name) == Text.Key(Name));
        var next = new TeamMemberClaim(same?.ClaimId ?? context.NewClaimId, Name.Trim(), Specialty.Trim(), YearsOfExperience, Certifications ?? [],
            Credentials ?? []);
        return Unchanged.Is(same, next) ? new NothingToRecord(next.ClaimId) : new TeamMemberClaimed(claims.Id, next);
    }
}

public static class RecordTeamMemberEndpoint
{
    public static ProblemDetails Validate(TeamMemberInput member) => member.Validate().ToProblem();

    /// <summary>Record a doctor of the medical team: specialty, years, certifications and procedures credentialed for.</summary>
    [WolverinePost("/api/clinics/{clinicId}/claims/team-members", OperationId = "RecordTeamMemberClaim"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Claims")]
    public static Task<ClaimOnFile> Post(Guid clinicId, TeamMemberInput member, IMessageBus bus) => ChangeClaim.Send(bus, clinicId, member);
}
